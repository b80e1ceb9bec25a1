package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Helpers for tests that drive the admin API and call through the gateways. */
abstract class SystemTest {

    static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};

    final Scopegate system = Scopegate.get();
    final WireMockServer upstream = system.upstream;
    final RunningGateway gatewayA = system.gateways.get(0);
    final RunningGateway gatewayB = system.gateways.get(1);

    WebTestClient admin() {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + system.adminPort())
                .responseTimeout(Duration.ofSeconds(30))
                .defaultHeaders(headers -> headers.setBasicAuth("admin", Scopegate.OPERATOR_PASSWORD))
                .build();
    }

    /** Turns the account's legacy tokens on: both tokens, each with its kind, sid and authToken. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> enableLegacy(String account) {
        return (List<Map<String, Object>>) admin().post()
                .uri("/v1/accounts/{a}/legacy-tokens/enable", account)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("tokens");
    }

    static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
    }

    static String basic(String username, String secret) {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    String newAccount() {
        return (String) admin().post()
                .uri("/v1/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", unique("Account ")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("sid");
    }

    /** Registers an API at /{id}/** in front of the WireMock upstream and waits until both replicas route it. */
    String newApi(String... methods) {
        String id = unique("api-");
        putApi(id, "http://localhost:" + upstream.port(), methods);
        upstream.stubFor(any(urlPathMatching("/" + id + "/.*"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"from\":\"upstream\"}")));
        awaitRouted(id, gatewayA, gatewayB);
        return id;
    }

    void putApi(String id, String upstreamUrl, String... methods) {
        putApi(id, upstreamUrl, Map.of(), methods);
    }

    /** Registers (or replaces) the API at /{id}/**; {@code options} adds fields such as websocket or mutualTls. */
    void putApi(String id, String upstreamUrl, Map<String, ?> options, String... methods) {
        Map<String, Object> api = new HashMap<>(Map.of(
                "name",
                id,
                "paths",
                List.of("/" + id + "/**"),
                "methods",
                List.of(methods),
                "upstreamUrl",
                upstreamUrl,
                "latestVersion",
                1));
        api.putAll(options);
        admin().put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api)
                .exchange()
                .expectStatus()
                .is2xxSuccessful();
    }

    /** A routed path answers 403 without credentials; an unrouted one 404. */
    static void awaitRouted(String api, RunningGateway... gateways) {
        for (RunningGateway gateway : gateways) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> gateway.client()
                                    .get()
                                    .uri("/" + api + "/probe")
                                    .exchange()
                                    .returnResult(String.class)
                                    .getStatus()
                                    .value()
                            == 403);
        }
    }

    /** Readiness (catalog loaded, cursor set), asked on the management port so no request is counted. */
    static void awaitReady(RunningGateway gateway) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> gateway.management()
                                .get()
                                .uri("/actuator/health/readiness")
                                .exchange()
                                .returnResult(String.class)
                                .getStatus()
                                .value()
                        == 200);
    }

    Map<String, Object> createToken(String account, Map<String, ?> body) {
        return admin().post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    Map<String, Object> createToken(String account, String api, String... methods) {
        return createToken(
                account,
                Map.of("name", unique("token "), "scopes", List.of(Map.of("api", api, "methods", List.of(methods)))));
    }

    void tokenAction(String account, Object sid, String action) {
        admin().post()
                .uri("/v1/accounts/{a}/tokens/{s}/" + action, account, sid)
                .exchange()
                .expectStatus()
                .is2xxSuccessful();
    }

    static int status(RunningGateway gateway, String method, String path, String authorization) {
        return gateway.client()
                .method(org.springframework.http.HttpMethod.valueOf(method))
                .uri(path)
                .headers(headers -> {
                    if (authorization != null) {
                        headers.set("Authorization", authorization);
                    }
                })
                .exchange()
                .returnResult(String.class)
                .getStatus()
                .value();
    }
}
