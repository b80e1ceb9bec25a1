package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The admin API's part of the security regression suite (run alone with {@code -Dgroups=security}):
 * the attacks of the review that did not hold — cross-site changes, password guessing, input that
 * crashed it, SSRF through the catalog — and ones that held (another account's data, mass
 * assignment), against the running system.
 */
@Tag("security")
class AdminApiSecurityTest extends SystemTest {

    private int status(WebTestClient.RequestHeadersSpec<?> request) {
        return request.exchange().returnResult(String.class).getStatus().value();
    }

    @Test
    void anotherSitesFormOrTextPostCannotDisableATokenThroughACachedBasicLogin() {
        String account = newAccount();
        String sid = (String) createToken(account, newApi("GET"), "GET").get("sid");
        String disable = "/v1/accounts/" + account + "/tokens/" + sid + "/disable";
        assertThat(status(admin().post()
                        .uri(disable)
                        .contentType(MediaType.TEXT_PLAIN)
                        .bodyValue("x")))
                .isEqualTo(415);
        assertThat(status(admin().post()
                        .uri(disable)
                        .contentType(MediaType.APPLICATION_FORM_URLENCODED)
                        .bodyValue("a=1")))
                .isEqualTo(415);
        assertThat(status(admin().post().uri(disable).header(HttpHeaders.ORIGIN, "https://evil.example")))
                .isEqualTo(403);
        assertThat(status(admin().post().uri(disable).header("Sec-Fetch-Site", "cross-site")))
                .isEqualTo(403);
        admin().get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectBody()
                .jsonPath("$.state")
                .isEqualTo("ENABLED");
    }

    @Test
    void guessingAPasswordLocksTheUserAndTheRightPasswordWaitsToo() {
        String account = newAccount();
        String user = unique("victim");
        admin().put()
                .uri("/v1/users/{u}", user)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "password",
                        "the-right-password",
                        "role",
                        "ACCOUNT_ADMIN",
                        "account",
                        account,
                        "email",
                        user + "@example.com"))
                .exchange()
                .expectStatus()
                .isCreated();
        WebTestClient anonymous = admin().mutate()
                .defaultHeaders(h -> h.remove(HttpHeaders.AUTHORIZATION))
                .build();
        for (int i = 0; i < 10; i++) {
            String guess = "guess" + i;
            assertThat(status(
                            anonymous.get().uri("/v1/accounts/{a}", account).headers(h -> h.setBasicAuth(user, guess))))
                    .isEqualTo(401);
        }
        anonymous
                .get()
                .uri("/v1/accounts/{a}", account)
                .headers(h -> h.setBasicAuth(user, "the-right-password"))
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .exists("Retry-After");
    }

    @Test
    void inputThatCrashedItIsABadRequestNamingTheField() {
        String account = newAccount();
        String api = newApi("GET");
        admin().post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name", "nul\u0000byte", "scopes", List.of(Map.of("api", api, "methods", List.of("GET")))))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("name");
        admin().get()
                .uri(uri -> uri.path("/v1/accounts/{a}/tokens")
                        .queryParam("name", "{n}")
                        .build(account, "\u0000"))
                .exchange()
                .expectStatus()
                .isBadRequest();
        admin().put()
                .uri("/v1/users/{u}", unique("long"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", "p".repeat(100), "role", "OPERATOR"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("password");
    }

    @Test
    void theCatalogCannotPublishMetadataOrObfuscatedLoopbackOnThePublicPort() {
        for (String upstream :
                List.of("http://169.254.169.254/latest/meta-data", "http://0x7f000001:8091/", "http://2130706433/")) {
            admin().put()
                    .uri("/v1/apis/{id}", unique("ssrf-"))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of(
                            "name",
                            "SSRF",
                            "paths",
                            List.of("/" + unique("p") + "/**"),
                            "methods",
                            List.of("GET"),
                            "upstreamUrl",
                            upstream,
                            "latestVersion",
                            1))
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.errors[0].field")
                    .isEqualTo("upstreamUrl");
        }
    }

    @Test
    void anotherAccountsTokensAndFieldsNobodyMaySetStayOutOfReach() {
        String mine = newAccount();
        String theirs = newAccount();
        String api = newApi("GET");
        String user = unique("admin");
        admin().put()
                .uri("/v1/users/{u}", user)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "password",
                        "long-enough-password",
                        "role",
                        "ACCOUNT_ADMIN",
                        "account",
                        mine,
                        "email",
                        user + "@example.com"))
                .exchange()
                .expectStatus()
                .isCreated();
        WebTestClient asUser = admin().mutate()
                .defaultHeaders(h -> h.setBasicAuth(user, "long-enough-password"))
                .build();
        assertThat(status(asUser.get().uri("/v1/accounts/{a}/tokens", theirs))).isEqualTo(403);
        assertThat(status(asUser.get().uri("/v1/accounts/{a}/tokens", "ACnonexistent0000000000000000000000")))
                .as("the same answer whether or not the account exists")
                .isEqualTo(403);
        asUser.post()
                .uri("/v1/accounts/{a}/tokens", mine)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        "x",
                        "state",
                        "ENABLED",
                        "accountSid",
                        theirs,
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET")))))
                .exchange()
                .expectStatus()
                .isBadRequest();
        assertThat(status(asUser.get().uri("/v1/apis/{id}", api))).isEqualTo(200);
        asUser.get()
                .uri("/v1/apis/{id}", api)
                .exchange()
                .expectBody()
                .jsonPath("$.upstreamUrl")
                .doesNotExist();
    }
}
