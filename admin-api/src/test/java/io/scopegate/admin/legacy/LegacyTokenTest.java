package io.scopegate.admin.legacy;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import io.scopegate.store.credential.CredentialFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class LegacyTokenTest extends AdminApiTest {

    @SuppressWarnings("unchecked")
    private static Map<String, String> secretsByKind(Map<String, Object> body) {
        return ((List<Map<String, Object>>) body.get("tokens"))
                .stream().collect(java.util.stream.Collectors.toMap(t -> (String) t.get("kind"), t ->
                        (String) t.get("authToken")));
    }

    private boolean legacyAccepts(String account, String kind, String secret) {
        return storedCredential("legacy_tokens", "account_sid = :a and kind = :k", Map.of("a", account, "k", kind))
                .accepts(hasher, secret, clock.instant());
    }

    @Test
    void offUntilEnabledThenTwoTokensUnderTheAccountSid() {
        String account = newAccount();
        operator()
                .get()
                .uri("/v1/accounts/{a}/legacy-tokens", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .json("{\"enabled\":false,\"tokens\":[]}");

        Map<String, Object> enabled = enableLegacy(account);

        assertThat(enabled).containsEntry("enabled", true);
        Map<String, String> secrets = secretsByKind(enabled);
        assertThat(secrets).containsOnlyKeys("READ_WRITE", "READ_ONLY");
        assertThat(secrets.values())
                .allSatisfy(s -> assertThat(s).startsWith("sgl_").matches(CredentialFormat::isWellFormed));
        assertThat(legacyAccepts(account, "READ_WRITE", secrets.get("READ_WRITE")))
                .isTrue();
        assertThat(legacyAccepts(account, "READ_ONLY", secrets.get("READ_ONLY")))
                .isTrue();
        assertThat(legacyAccepts(account, "READ_ONLY", secrets.get("READ_WRITE")))
                .isFalse();

        operator()
                .get()
                .uri("/v1/accounts/{a}/legacy-tokens", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.enabled")
                .isEqualTo(true)
                .jsonPath("$.tokens[0].sid")
                .isEqualTo(account)
                .jsonPath("$.tokens[1].sid")
                .isEqualTo(account)
                .jsonPath("$.tokens[0].authToken")
                .doesNotExist()
                .jsonPath("$.tokens[0].apiVersion")
                .isNumber();
        operator()
                .post()
                .uri("/v1/accounts/{a}/legacy-tokens/enable", account)
                .exchange()
                .expectStatus()
                .isEqualTo(409);
        operator()
                .get()
                .uri("/v1/accounts/{a}", account)
                .exchange()
                .expectBody()
                .jsonPath("$.activeTokens")
                .isEqualTo(0);
    }

    @Test
    void eachLegacyTokenResetsOnItsOwn() {
        String account = newAccount();
        Map<String, String> secrets = secretsByKind(enableLegacy(account));

        String newReadOnly = (String) operator()
                .post()
                .uri("/v1/accounts/{a}/legacy-tokens/read-only/reset", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("authToken");

        assertThat(legacyAccepts(account, "READ_ONLY", newReadOnly)).isTrue();
        assertThat(legacyAccepts(account, "READ_ONLY", secrets.get("READ_ONLY")))
                .isFalse();
        assertThat(legacyAccepts(account, "READ_WRITE", secrets.get("READ_WRITE")))
                .isTrue();
        operator()
                .post()
                .uri("/v1/accounts/{a}/legacy-tokens/everything/reset", account)
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void resetBeforeEnableIsNotFound() {
        operator()
                .post()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write/reset", newAccount())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of())
                .exchange()
                .expectStatus()
                .isNotFound();
    }

    @Test
    void legacyTokensDoNotCountTowardTheLimit() {
        String account = newAccount();
        enableLegacy(account);
        for (int i = 0; i < 20; i++) {
            createToken(operator(), account, Map.of("name", "t" + i));
        }
        assertThat(count("select count(*) from tokens where account_sid = $1", account))
                .isEqualTo(20);
    }
}
