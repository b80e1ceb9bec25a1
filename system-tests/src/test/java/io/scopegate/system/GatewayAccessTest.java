package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/** Through real HTTP: who gets in, who does not, and what the upstream sees. */
class GatewayAccessTest extends SystemTest {

    private String account;
    private String api;
    private Map<String, Object> reader;

    @BeforeEach
    void setUp() {
        account = newAccount();
        api = newApi("GET", "POST");
        reader = createToken(account, api, "GET");
    }

    private String readerAuth() {
        return basic((String) reader.get("sid"), (String) reader.get("authToken"));
    }

    @Test
    @Tag("security")
    void allowedRequestReachesTheUpstreamWithIdentityHeadersAndWithoutCredentials() {
        gatewayA.client()
                .get()
                .uri("/" + api + "/items?page=2&sort=name")
                .header("Authorization", readerAuth())
                .header("X-Scopegate-Account", "forged-account")
                .header("X-Scopegate-Anything", "forged")
                .header("X-Api-Version", "999")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .json("{\"from\":\"upstream\"}");

        upstream.verify(getRequestedFor(urlEqualTo("/" + api + "/items?page=2&sort=name"))
                .withHeader("X-Scopegate-Account", equalTo(account))
                .withHeader("X-Scopegate-Token", equalTo((String) reader.get("sid")))
                .withHeader("X-Api-Version", equalTo(String.valueOf(reader.get("apiVersion"))))
                .withoutHeader("Authorization")
                .withoutHeader("X-Scopegate-Anything"));
    }

    @Test
    void oneRequestIdFollowsTheRequestToTheUpstreamAndBackAndRefusalsCarryOneToo() {
        gatewayA.client()
                .get()
                .uri("/" + api + "/items")
                .header("Authorization", readerAuth())
                .header("X-Request-Id", "lb-42")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueEquals("X-Request-Id", "lb-42");
        upstream.verify(getRequestedFor(urlEqualTo("/" + api + "/items")).withHeader("X-Request-Id", equalTo("lb-42")));

        // An upstream with ids of its own does not give the client a second one.
        upstream.stubFor(get(urlEqualTo("/" + api + "/own-id"))
                .willReturn(aResponse().withStatus(200).withHeader("X-Request-Id", "upstream-7")));
        List<String> ids = gatewayA.client()
                .get()
                .uri("/" + api + "/own-id")
                .header("Authorization", readerAuth())
                .header("X-Request-Id", "lb-43")
                .exchange()
                .expectStatus()
                .isOk()
                .returnResult(String.class)
                .getResponseHeaders()
                .get("X-Request-Id");
        assertThat(ids).containsExactly("lb-43");

        String made = gatewayA.client()
                .get()
                .uri("/" + api + "/items")
                .header("X-Request-Id", "not sane")
                .exchange()
                .expectStatus()
                .isForbidden()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Request-Id");
        assertThat(made).matches("[0-9a-f]{32}");
        String unrouted = gatewayA.client()
                .get()
                .uri("/no-such-api/x")
                .exchange()
                .expectStatus()
                .isNotFound()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("X-Request-Id");
        assertThat(unrouted).matches("[0-9a-f]{32}").isNotEqualTo(made);
    }

    @Test
    void headFollowsGetAndOtherMethodsNeedTheirScope() {
        assertThat(status(gatewayA, "HEAD", "/" + api + "/items", readerAuth())).isEqualTo(200);
        EntityExchangeResult<String> refused = gatewayA.client()
                .post()
                .uri("/" + api + "/items")
                .header("Authorization", readerAuth())
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(String.class)
                .returnResult();
        assertThat(refused.getResponseBody())
                .contains("\"title\":\"Access Denied\"")
                .contains(api + ":POST");
        upstream.verify(0, postRequestedFor(urlPathMatching("/" + api + "/.*")));
    }

    @Test
    @Tag("security")
    void everyDenialBeforeTheScopeCheckIsTheSame403ToTheByte() {
        String sid = (String) reader.get("sid");
        String secret = (String) reader.get("authToken");
        String otherSecret = (String) createToken(account, api, "GET").get("authToken");
        Map<String, Object> disabled = createToken(account, api, "GET");
        tokenAction(account, disabled.get("sid"), "disable");
        Map<String, Object> deleted = createToken(account, api, "GET");
        admin().delete()
                .uri("/v1/accounts/{a}/tokens/{s}", account, deleted.get("sid"))
                .exchange()
                .expectStatus()
                .isNoContent();
        Map<String, Object> elsewhere = createToken(
                account,
                Map.of(
                        "name",
                        "office only",
                        "allowedIps",
                        List.of("203.0.113.0/24"),
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET")))));
        Map<String, Object> expiring = createToken(
                account,
                Map.of(
                        "name",
                        "short-lived",
                        "expiresAt",
                        Instant.now().plusSeconds(2).toString(),
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET")))));
        String expiringAuth = basic((String) expiring.get("sid"), (String) expiring.get("authToken"));
        assertThat(status(gatewayA, "GET", "/" + api + "/x", expiringAuth))
                .as("before expiry")
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> status(gatewayA, "GET", "/" + api + "/x", expiringAuth) == 403);

        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("missing", null);
        cases.put("not Basic", "Bearer " + secret);
        cases.put("bad base64", "Basic %%%not-base64");
        cases.put("no colon", "Basic " + java.util.Base64.getEncoder().encodeToString(sid.getBytes()));
        cases.put("mangled checksum", basic(sid, secret.substring(0, 39) + (secret.endsWith("A") ? "B" : "A")));
        cases.put("unknown SID", basic("ST00000000000000000000000000000000", secret));
        cases.put("wrong secret", basic(sid, otherSecret));
        cases.put("disabled", basic((String) disabled.get("sid"), (String) disabled.get("authToken")));
        cases.put("deleted", basic((String) deleted.get("sid"), (String) deleted.get("authToken")));
        cases.put("expired", expiringAuth);
        cases.put("IP not allowed", basic((String) elsewhere.get("sid"), (String) elsewhere.get("authToken")));
        cases.put("oversized header", "Basic " + "A".repeat(600));

        List<String> bodies = new ArrayList<>();
        cases.forEach((name, authorization) -> {
            EntityExchangeResult<byte[]> result = gatewayA.client()
                    .get()
                    .uri("/" + api + "/items")
                    .headers(headers -> {
                        if (authorization != null) {
                            headers.set("Authorization", authorization);
                        }
                    })
                    .exchange()
                    .expectBody(byte[].class)
                    .returnResult();
            assertThat(result.getStatus().value()).as(name).isEqualTo(403);
            assertThat(result.getResponseHeaders().getContentType())
                    .as(name)
                    .isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
            bodies.add(new String(result.getResponseBody()));
        });
        assertThat(bodies).allSatisfy(body -> assertThat(body).isEqualTo(bodies.get(0)));
        assertThat(bodies.get(0)).contains("\"title\":\"Access Denied\"");
    }

    @Test
    @Tag("security")
    void anAllowedAddressGetsIn() {
        Map<String, Object> local = createToken(
                account,
                Map.of(
                        "name",
                        "local only",
                        "allowedIps",
                        List.of("127.0.0.0/8", "::1"),
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET")))));
        assertThat(status(gatewayA, "GET", "/" + api + "/x", basic((String) local.get("sid"), (String)
                        local.get("authToken"))))
                .isEqualTo(200);
    }

    @Test
    void legacyTokensUseTheAccountSidAndReadOnlyCannotWrite() {
        List<Map<String, Object>> tokens = enableLegacy(account);
        String readWrite = tokens.stream()
                .filter(t -> t.get("kind").equals("READ_WRITE"))
                .findFirst()
                .orElseThrow()
                .get("authToken")
                .toString();
        String readOnly = tokens.stream()
                .filter(t -> t.get("kind").equals("READ_ONLY"))
                .findFirst()
                .orElseThrow()
                .get("authToken")
                .toString();

        assertThat(status(gatewayA, "GET", "/" + api + "/x", basic(account, readOnly)))
                .isEqualTo(200);
        assertThat(status(gatewayA, "POST", "/" + api + "/x", basic(account, readOnly)))
                .isEqualTo(403);
        assertThat(status(gatewayA, "POST", "/" + api + "/x", basic(account, readWrite)))
                .isEqualTo(200);
        assertThat(status(gatewayA, "DELETE", "/" + api + "/x", basic(account, readWrite)))
                .as("the API does not serve DELETE")
                .isEqualTo(403);
        upstream.verify(postRequestedFor(urlPathMatching("/" + api + "/x"))
                .withHeader("X-Scopegate-Token", equalTo(account + ":READ_WRITE"))
                .withHeader("Authorization", absent()));
    }

    @Test
    @Tag("security")
    void methodOverrideHeadersAreRefused() {
        for (String header : List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override")) {
            gatewayA.client()
                    .get()
                    .uri("/" + api + "/items")
                    .header("Authorization", readerAuth())
                    .header(header, "DELETE")
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        }
        upstream.verify(0, getRequestedFor(urlPathMatching("/" + api + "/items")));
    }

    @Test
    void aTokensRateLimitAnswers429WithRetryAfter() {
        Map<String, Object> limited = createToken(
                account,
                Map.of(
                        "name",
                        "slow",
                        "rateLimit",
                        Map.of("requestsPerSecond", 1, "burst", 2),
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET")))));
        String auth = basic((String) limited.get("sid"), (String) limited.get("authToken"));
        assertThat(status(gatewayA, "GET", "/" + api + "/1", auth)).isEqualTo(200);
        assertThat(status(gatewayA, "GET", "/" + api + "/2", auth)).isEqualTo(200);
        gatewayA.client()
                .get()
                .uri("/" + api + "/3")
                .header("Authorization", auth)
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .valueMatches("Retry-After", "[1-9][0-9]*");
    }

    @Test
    void unknownPathsAre404() {
        gatewayA.client()
                .get()
                .uri("/no-such-api-" + api + "/x")
                .header("Authorization", readerAuth())
                .exchange()
                .expectStatus()
                .isNotFound()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
    }
}
