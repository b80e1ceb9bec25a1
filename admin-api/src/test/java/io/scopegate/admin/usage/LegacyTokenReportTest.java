package io.scopegate.admin.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Legacy tokens in the token report and their usage: a legacy token that serves requests is reported
 * {@code LEGACY_IN_USE}, with the scoped token that would replace it. Usage rows are written here the
 * way the gateway writes them, keyed {@code <accountSid>:<KIND>}.
 */
class LegacyTokenReportTest extends AdminApiTest {

    private void used(String account, String kind, String api, String method, String outcome, long requests) {
        db.sql("""
                insert into token_usage_daily (token_sid, account_sid, day, api_id, method, outcome, requests, last_used_at)
                values (:key, :account, :day, :api, :method, :outcome, :n, :at)
                """)
                .bind("key", account + ":" + kind)
                .bind("account", account)
                .bind("day", LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))
                .bind("api", api)
                .bind("method", method)
                .bind("outcome", outcome)
                .bind("n", requests)
                .bind("at", clock.instant())
                .then()
                .then(db.sql(
                                "update legacy_tokens set last_used_at = :at where account_sid = :account and kind = :kind")
                        .bind("at", clock.instant())
                        .bind("account", account)
                        .bind("kind", kind)
                        .then())
                .block(Duration.ofSeconds(5));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Map<String, Object>> legacyEntries(String account) {
        Map<String, Object> report = operator()
                .get()
                .uri("/v1/accounts/{a}/token-report?days=30", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        return ((List<Map<String, Object>>) report.get("tokens"))
                .stream()
                        .filter(entry -> entry.get("legacyKind") != null)
                        .collect(java.util.stream.Collectors.toMap(entry -> (String) entry.get("legacyKind"), e -> e));
    }

    @SuppressWarnings("unchecked")
    private static List<Object> kinds(Map<String, Object> entry) {
        return ((List<Map<String, Object>>) entry.get("findings"))
                .stream().map(f -> f.get("kind")).toList();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> finding(Map<String, Object> entry, String kind) {
        return ((List<Map<String, Object>>) entry.get("findings"))
                .stream().filter(f -> kind.equals(f.get("kind"))).findFirst().orElseThrow();
    }

    private String accountWithLegacyTokens(String sid) {
        operator()
                .post()
                .uri("/v1/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sid", sid, "name", "Legacy user"))
                .exchange()
                .expectStatus()
                .isCreated();
        enableLegacy(sid);
        return sid;
    }

    private int readWriteVersion(String account) {
        return ((Number) operator()
                        .get()
                        .uri("/v1/accounts/{a}/legacy-tokens/read-write", account)
                        .exchange()
                        .expectBody(MAP)
                        .returnResult()
                        .getResponseBody()
                        .get("apiVersion"))
                .intValue();
    }

    @Test
    void aLegacyTokenInUseIsReportedWithTheScopedTokenThatWouldReplaceIt() {
        // The longest account SID: its usage key is 64 + 11 characters.
        String account = accountWithLegacyTokens(("AC" + unique("") + "x".repeat(64)).substring(0, 64));
        String orders = unique("api-orders-");
        putApi(orders, 1, "GET", "POST", "DELETE");
        used(account, "READ_WRITE", orders, "POST", "allowed", 7);
        used(account, "READ_WRITE", orders, "GET", "allowed", 3);

        Map<String, Map<String, Object>> entries = legacyEntries(account);
        assertThat(entries).containsOnlyKeys("READ_WRITE", "READ_ONLY");
        Map<String, Object> readWrite = entries.get("READ_WRITE");
        assertThat(readWrite).containsEntry("sid", account).containsEntry("state", "ENABLED");
        assertThat(kinds(readWrite)).contains("LEGACY_IN_USE").doesNotContain("NEVER_USED");
        assertThat(finding(readWrite, "LEGACY_IN_USE").get("tokenRequest"))
                .isEqualTo(Map.of(
                        "name",
                        "Replaces the read-write legacy token",
                        "apiVersion",
                        readWriteVersion(account),
                        "scopes",
                        List.of(Map.of("api", orders, "methods", List.of("GET", "POST")))));
        assertThat(kinds(entries.get("READ_ONLY"))).contains("NEVER_USED").doesNotContain("LEGACY_IN_USE");

        // The tokenRequest is a body the API takes as it is.
        @SuppressWarnings("unchecked")
        Map<String, Object> replacement = createToken(operator(), account, (Map<String, Object>)
                finding(readWrite, "LEGACY_IN_USE").get("tokenRequest"));
        assertThat(replacement).containsKey("authToken");
    }

    @Test
    void legacyUsageShowsWhatItsKindMayDoAndWhatWasUsed() {
        String account = accountWithLegacyTokens(unique("AC"));
        String catalog = unique("api-catalog-");
        putApi(catalog, 1, "GET", "POST");
        used(account, "READ_ONLY", catalog, "GET", "allowed", 4);
        used(account, "READ_ONLY", catalog, "POST", "method_not_allowed", 2);

        operator()
                .get()
                .uri("/v1/accounts/{a}/legacy-tokens/read-only/usage?days=7", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.sid")
                .isEqualTo(account)
                .jsonPath("$.legacyKind")
                .isEqualTo("READ_ONLY")
                .jsonPath("$.requests")
                .isEqualTo(6)
                .jsonPath("$.denied")
                .isEqualTo(2)
                .jsonPath("$.scopes[?(@.api == '" + catalog + "')].method")
                .isEqualTo(List.of("GET"))
                .jsonPath("$.scopes[?(@.api == '" + catalog + "')].requests")
                .isEqualTo(List.of(4));
    }

    @Test
    void aDisabledLegacyTokenIsNotInUseAndItsHistoryGoesWithIt() {
        String account = accountWithLegacyTokens(unique("AC"));
        String api = unique("api-");
        putApi(api, 1, "GET");
        used(account, "READ_WRITE", api, "GET", "allowed", 1);
        operator()
                .post()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write/disable", account)
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(kinds(legacyEntries(account).get("READ_WRITE"))).doesNotContain("LEGACY_IN_USE");

        operator()
                .delete()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write", account)
                .exchange()
                .expectStatus()
                .isNoContent();
        assertThat(count("select count(*) from token_usage_daily where account_sid = $1", account))
                .isZero();
        assertThat(legacyEntries(account)).containsOnlyKeys("READ_ONLY");
    }
}
