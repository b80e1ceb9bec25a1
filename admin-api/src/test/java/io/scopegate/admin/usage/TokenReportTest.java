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
 * The report's findings, with time moved by the test's clock. Usage rows are written here the way
 * the gateway writes them (the system tests drive real traffic through a gateway).
 */
class TokenReportTest extends AdminApiTest {

    @SuppressWarnings("unchecked")
    private Map<String, List<Map<String, Object>>> findingsBySid(String account) {
        Map<String, Object> report = operator()
                .get()
                .uri("/v1/accounts/{a}/token-report?days=30", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertThat(report).containsKeys("activeTokens", "limit");
        return ((List<Map<String, Object>>) report.get("tokens"))
                .stream().collect(java.util.stream.Collectors.toMap(t -> (String) t.get("sid"), t ->
                        (List<Map<String, Object>>) t.get("findings")));
    }

    private static List<Object> kinds(List<Map<String, Object>> findings) {
        return findings.stream().map(f -> f.get("kind")).toList();
    }

    private void used(String account, String sid, String api, String method, String outcome, long requests) {
        db.sql("""
                insert into token_usage_daily (token_sid, account_sid, day, api_id, method, outcome, requests, last_used_at)
                values (:sid, :account, :day, :api, :method, :outcome, :n, :at)
                """)
                .bind("sid", sid)
                .bind("account", account)
                .bind("day", LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC))
                .bind("api", api)
                .bind("method", method)
                .bind("outcome", outcome)
                .bind("n", requests)
                .bind("at", clock.instant())
                .then()
                .block(Duration.ofSeconds(5));
        if ("allowed".equals(outcome)) {
            db.sql("update tokens set last_used_at = :at where sid = :sid")
                    .bind("at", clock.instant())
                    .bind("sid", sid)
                    .then()
                    .block(Duration.ofSeconds(5));
        }
    }

    @Test
    void credentialsOlderThanNinetyDaysAreDueForRotationUntilReset() {
        String account = newAccount();
        String sid = (String) createToken(account, "Quarterly", newApi(), "GET").get("sid");
        assertThat(kinds(findingsBySid(account).get(sid))).doesNotContain("ROTATION_DUE");

        clock.advance(Duration.ofDays(91));
        assertThat(kinds(findingsBySid(account).get(sid))).contains("ROTATION_DUE");

        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(kinds(findingsBySid(account).get(sid))).doesNotContain("ROTATION_DUE");
    }

    @Test
    void unusedScopesComeWithThePatchThatRemovesThem() {
        String account = newAccount();
        String api = newApi();
        String sid = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "Over-granted",
                                "primaryContact",
                                "dev@acme.example",
                                "scopes",
                                List.of(Map.of("api", api, "methods", List.of("GET", "POST")))))
                .get("sid");
        used(account, sid, api, "GET", "allowed", 12);
        used(account, sid, api, "DELETE", "out_of_scope", 2);

        Map<String, Object> unused = findingsBySid(account).get(sid).stream()
                .filter(f -> f.get("kind").equals("UNUSED_SCOPES"))
                .findFirst()
                .orElseThrow();
        assertThat(unused.get("scopes")).isEqualTo(List.of(Map.of("api", api, "method", "POST")));
        assertThat(unused.get("detail")).asString().contains(api + ":POST");

        operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(unused.get("patch"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.scopes[0].methods")
                .isEqualTo(List.of("GET"));
        assertThat(kinds(findingsBySid(account).get(sid))).isEmpty();

        operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}/usage?days=7", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.requests")
                .isEqualTo(14)
                .jsonPath("$.denied")
                .isEqualTo(2)
                .jsonPath("$.scopes[0].requests")
                .isEqualTo(12)
                .jsonPath("$.unusedScopes")
                .isEmpty()
                .jsonPath("$.denials[0].outcome")
                .isEqualTo("out_of_scope")
                .jsonPath("$.denials[0].method")
                .isEqualTo("DELETE")
                .jsonPath("$.lastUsedAt")
                .isNotEmpty();
    }

    @Test
    void neverUsedStaleNoContactExpiringAndOldVersion() {
        String account = newAccount();
        String api = newApi();
        String fresh = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "fresh",
                                "apiVersion",
                                1,
                                "expiresAt",
                                clock.instant().plus(Duration.ofDays(40)).toString()))
                .get("sid");
        String active = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "active",
                                "developerEmails",
                                List.of("d@acme.example"),
                                "scopes",
                                List.of(Map.of("api", api, "methods", List.of("GET")))))
                .get("sid");
        used(account, active, api, "GET", "allowed", 1);
        putApi(unique("api-v2-"), 1_000, "GET");

        Map<String, List<Map<String, Object>>> now = findingsBySid(account);
        assertThat(kinds(now.get(fresh))).containsExactly("NEVER_USED", "OLD_API_VERSION", "NO_CONTACT");
        assertThat(kinds(now.get(active))).containsExactly("OLD_API_VERSION");

        clock.advance(Duration.ofDays(31));
        Map<String, List<Map<String, Object>>> later = findingsBySid(account);
        assertThat(kinds(later.get(fresh)))
                .containsExactly("NEVER_USED", "EXPIRING_SOON", "OLD_API_VERSION", "NO_CONTACT");
        assertThat(kinds(later.get(active))).containsExactly("UNUSED_SCOPES", "STALE", "OLD_API_VERSION");
    }

    @Test
    void windowIsValidated() {
        String account = newAccount();
        operator()
                .get()
                .uri("/v1/accounts/{a}/token-report?days=0", account)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("days");
    }
}
