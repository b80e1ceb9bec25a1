package io.scopegate.admin.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Legacy tokens have the scoped tokens' lifecycle: disable, enable, delete, upgrade-version, credentials. */
class LegacyLifecycleTest extends AdminApiTest {

    @SuppressWarnings("unchecked")
    private static Map<String, String> secretsByKind(Map<String, Object> list) {
        Map<String, String> secrets = new java.util.HashMap<>();
        ((List<Map<String, Object>>) list.get("tokens")).forEach(t -> {
            if (t.get("authToken") != null) {
                secrets.put((String) t.get("kind"), (String) t.get("authToken"));
            }
        });
        return secrets;
    }

    private Map<String, Object> post(String account, String path, Map<String, ?> body) {
        WebTestClient.RequestBodySpec request =
                operator().post().uri("/v1/accounts/{a}/legacy-tokens/" + path, account);
        return (body == null
                        ? request
                        : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    private long audited(String account, String action) {
        return count("select count(*) from audit_events where account_sid = $1 and action = '" + action + "'", account);
    }

    private long events(String account) {
        return count("select count(*) from token_events where kind = 'LEGACY_TOKEN' and account_sid = $1", account);
    }

    private boolean legacyAccepts(String account, String kind, String secret) {
        return storedCredential("legacy_tokens", "account_sid = :a and kind = :k", Map.of("a", account, "k", kind))
                .accepts(hasher, secret, clock.instant());
    }

    @Test
    void disableAndEnableEachKindOnItsOwnAuditedOnceAndSeenByTheGateway() {
        String account = newAccount();
        enableLegacy(account);
        long eventsBefore = events(account);

        Map<String, Object> disabled = post(account, "read-write/disable", null);
        assertThat(disabled).containsEntry("state", "DISABLED").containsEntry("kind", "READ_WRITE");
        assertThat(disabled.get("disabledAt")).isNotNull();
        // Disabling a disabled token changes nothing: no second audit row, no second event.
        post(account, "read-write/disable", null);
        assertThat(audited(account, "LEGACY_TOKEN_DISABLED")).isEqualTo(1);
        assertThat(events(account)).isEqualTo(eventsBefore + 1);
        operator()
                .get()
                .uri("/v1/accounts/{a}/legacy-tokens/read-only", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.state")
                .isEqualTo("ENABLED");

        Map<String, Object> enabled = post(account, "read-write/enable", null);
        assertThat(enabled).containsEntry("state", "ENABLED").doesNotContainKey("recommendation");
        assertThat(enabled.get("disabledAt")).isNull();
        post(account, "read-write/enable", null);
        assertThat(audited(account, "LEGACY_TOKEN_ENABLED")).isEqualTo(1);
        assertThat(events(account)).isEqualTo(eventsBefore + 2);
    }

    @Test
    void enablingAfterAMonthOffRecommendsAResetAndResetTrueDoesBoth() {
        String account = newAccount();
        String oldSecret = secretsByKind(enableLegacy(account)).get("READ_ONLY");
        post(account, "read-only/disable", null);
        clock.advance(Duration.ofDays(31));

        Map<String, Object> advised = post(account, "read-only/enable", null);
        assertThat(advised).containsKey("recommendation").doesNotContainKey("authToken");
        assertThat(advised.get("recommendation").toString()).contains("RESET");

        post(account, "read-only/disable", null);
        Map<String, Object> reset = post(account, "read-only/enable", Map.of("reset", true));
        String newSecret = (String) reset.get("authToken");
        assertThat(reset).containsEntry("state", "ENABLED");
        assertThat(legacyAccepts(account, "READ_ONLY", newSecret)).isTrue();
        assertThat(legacyAccepts(account, "READ_ONLY", oldSecret)).isFalse();
        assertThat(audited(account, "LEGACY_TOKEN_RESET")).isEqualTo(1);
    }

    @Test
    void deletingBothTurnsLegacyOffAndEnablingAgainIssuesNewSecrets() {
        String account = newAccount();
        Map<String, String> first = secretsByKind(enableLegacy(account));

        operator()
                .delete()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write", account)
                .exchange()
                .expectStatus()
                .isNoContent();
        operator()
                .get()
                .uri("/v1/accounts/{a}/legacy-tokens", account)
                .exchange()
                .expectBody()
                .jsonPath("$.enabled")
                .isEqualTo(true)
                .jsonPath("$.tokens.length()")
                .isEqualTo(1)
                .jsonPath("$.tokens[0].kind")
                .isEqualTo("READ_ONLY");
        for (String path : List.of("read-write", "read-write/credentials", "read-write/usage")) {
            operator()
                    .get()
                    .uri("/v1/accounts/{a}/legacy-tokens/" + path, account)
                    .exchange()
                    .expectStatus()
                    .isNotFound();
        }
        operator()
                .post()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write/disable", account)
                .exchange()
                .expectStatus()
                .isNotFound();

        // Enabling again issues only the missing one; the kept one keeps its secret.
        Map<String, String> second = secretsByKind(enableLegacy(account));
        assertThat(second).containsOnlyKeys("READ_WRITE");
        assertThat(second.get("READ_WRITE")).isNotEqualTo(first.get("READ_WRITE"));
        assertThat(legacyAccepts(account, "READ_ONLY", first.get("READ_ONLY"))).isTrue();

        for (String kind : List.of("read-write", "read-only")) {
            operator()
                    .delete()
                    .uri("/v1/accounts/{a}/legacy-tokens/" + kind, account)
                    .exchange()
                    .expectStatus()
                    .isNoContent();
        }
        operator()
                .delete()
                .uri("/v1/accounts/{a}/legacy-tokens/read-only", account)
                .exchange()
                .expectStatus()
                .isNotFound();
        operator()
                .get()
                .uri("/v1/accounts/{a}/legacy-tokens", account)
                .exchange()
                .expectBody()
                .json("{\"enabled\":false,\"tokens\":[]}");
        operator()
                .get()
                .uri("/v1/accounts/{a}", account)
                .exchange()
                .expectBody()
                .jsonPath("$.legacyTokensEnabled")
                .isEqualTo(false);
        assertThat(audited(account, "LEGACY_TOKEN_DELETED")).isEqualTo(3);

        Map<String, String> third = secretsByKind(enableLegacy(account));
        assertThat(third).containsOnlyKeys("READ_WRITE", "READ_ONLY");
        assertThat(third.values()).doesNotContainAnyElementsOf(first.values());
    }

    @Test
    void upgradeVersionGoesUpOnlyAndNotPastTheLatest() {
        String account = newAccount();
        String api = unique("api-legacy-");
        putApi(api, 1, "GET");
        enableLegacy(account);
        // Other tests raise the catalog's latest version too: start from wherever it is now.
        int start = (Integer) post(account, "read-write/upgrade-version", null).get("apiVersion");
        putApi(api, start + 2, "GET");

        assertThat(post(account, "read-write/upgrade-version", Map.of("version", start + 1)))
                .containsEntry("apiVersion", start + 1);
        operator()
                .post()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write/upgrade-version", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("version", start))
                .exchange()
                .expectStatus()
                .isEqualTo(409);
        operator()
                .post()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write/upgrade-version", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("version", start + 3))
                .exchange()
                .expectStatus()
                .isBadRequest();
        assertThat(post(account, "read-write/upgrade-version", null)).containsEntry("apiVersion", start + 2);
        assertThat(post(account, "read-only/upgrade-version", null)).containsEntry("apiVersion", start + 2);
        assertThat(audited(account, "LEGACY_TOKEN_VERSION_UPGRADED")).isEqualTo(3);
    }

    @Test
    void credentialsShowTheSecretAgainAndTheReadIsAudited() {
        String account = newAccount();
        String secret = secretsByKind(enableLegacy(account)).get("READ_WRITE");

        operator()
                .get()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write/credentials", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.sid")
                .isEqualTo(account)
                .jsonPath("$.kind")
                .isEqualTo("READ_WRITE")
                .jsonPath("$.authToken")
                .isEqualTo(secret);
        assertThat(count(
                        "select count(*) from audit_events where account_sid = $1 and action = 'CREDENTIALS_READ'"
                                + " and details->>'kind' = 'READ_WRITE'",
                        account))
                .isEqualTo(1);
    }
}
