package io.scopegate.admin.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a token used of its quota (issue 16), from the gateways' daily usage rows written here as they
 * write them: allowed requests today and this UTC month, beside the quota, in its usage report; and a
 * {@code QUOTA_NEAR_LIMIT} finding from 80 % of either.
 */
class QuotaUseTest extends AdminApiTest {

    private String account;
    private String api;
    private LocalDate today;

    @BeforeEach
    void setUp() {
        // Rows "earlier this month" need a day before today in the same month.
        if (LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).getDayOfMonth() == 1) {
            clock.advance(Duration.ofDays(1));
        }
        today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        account = newAccount();
        api = newApi();
    }

    @Test
    void theUsageReportShowsRequestsLetThroughTodayAndThisMonthAgainstTheQuota() {
        String sid = tokenWithQuota(100, 1_000);
        used(sid, today, "GET", "allowed", 35);
        // Let through, then failed by the upstream: the gateways counted them against the quota too.
        used(sid, today, "GET", "upstream_error", 3);
        used(sid, today, "GET", "upstream_timeout", 2);
        used(sid, today, "POST", "allowed", 30);
        used(sid, today, "GET", "rate_limited", 500);
        used(sid, today, "GET", "quota_exceeded", 50);
        used(sid, today.withDayOfMonth(1), "GET", "allowed", 500);
        used(sid, today.withDayOfMonth(1).minusDays(1), "GET", "allowed", 900);

        assertThat(usage(sid).get("quota"))
                .as("refusals and last month's requests do not count")
                .isEqualTo(Map.of("perDay", 100, "perMonth", 1_000, "usedToday", 70, "usedThisMonth", 570));
        assertThat(kinds(sid)).doesNotContain("QUOTA_NEAR_LIMIT");
    }

    @Test
    void eightyPercentOfTheDaysQuotaIsAFindingNamingTheNumbers() {
        String sid = tokenWithQuota(100, 10_000);
        used(sid, today, "GET", "allowed", 79);
        assertThat(kinds(sid)).doesNotContain("QUOTA_NEAR_LIMIT");

        used(sid, today, "POST", "allowed", 1);
        Map<String, Object> finding = finding(sid);
        assertThat((String) finding.get("detail"))
                .contains("80 of 100 requests of today's quota (80 % used")
                .doesNotContain("this month's");
    }

    @Test
    void aMonthNearItsQuotaAndADayUsedUpAreBothNamed() {
        String sid = tokenWithQuota(50, 1_000);
        used(sid, today.withDayOfMonth(1), "GET", "allowed", 760);
        used(sid, today, "GET", "allowed", 50);

        assertThat((String) finding(sid).get("detail"))
                .contains("50 of 50 requests of today's quota (used up")
                .contains("810 of 1000 requests of this month's quota (81 % used");
    }

    @Test
    void aTokenWithoutAQuotaHasNoneInItsUsageAndADisabledTokenNoFinding() {
        String plain = (String) createToken(account, "No quota", api, "GET").get("sid");
        used(plain, today, "GET", "allowed", 1_000_000);
        assertThat(usage(plain)).containsEntry("quota", null);
        assertThat(kinds(plain)).doesNotContain("QUOTA_NEAR_LIMIT");

        String off = tokenWithQuota(10, null);
        used(off, today, "GET", "allowed", 10);
        assertThat(kinds(off)).contains("QUOTA_NEAR_LIMIT");
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, off)
                .exchange()
                .expectStatus()
                .isOk();
        assertThat(kinds(off)).doesNotContain("QUOTA_NEAR_LIMIT");
        Map<String, Object> perDayOnly = new LinkedHashMap<>();
        perDayOnly.put("perDay", 10);
        perDayOnly.put("perMonth", null);
        perDayOnly.put("usedToday", 10);
        perDayOnly.put("usedThisMonth", 10);
        assertThat(usage(off).get("quota")).isEqualTo(perDayOnly);
    }

    private String tokenWithQuota(Integer perDay, Integer perMonth) {
        Map<String, Object> quota = new LinkedHashMap<>();
        quota.put("perDay", perDay);
        quota.put("perMonth", perMonth);
        return (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "Tier " + perDay,
                                "scopes",
                                List.of(Map.of("api", api, "methods", List.of("GET", "POST"))),
                                "quota",
                                quota))
                .get("sid");
    }

    private void used(String sid, LocalDate day, String method, String outcome, long requests) {
        db.sql("""
                insert into token_usage_daily (token_sid, account_sid, day, api_id, method, outcome, requests, last_used_at)
                values (:sid, :account, :day, :api, :method, :outcome, :n, :at)
                on conflict (token_sid, day, api_id, method, outcome) do update
                   set requests = token_usage_daily.requests + excluded.requests
                """)
                .bind("sid", sid)
                .bind("account", account)
                .bind("day", day)
                .bind("api", api)
                .bind("method", method)
                .bind("outcome", outcome)
                .bind("n", requests)
                .bind("at", clock.instant())
                .then()
                .block(Duration.ofSeconds(5));
    }

    private Map<String, Object> usage(String sid) {
        return operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}/usage", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private List<Map<String, Object>> findings(String sid) {
        Map<String, Object> report = operator()
                .get()
                .uri("/v1/accounts/{a}/token-report", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        return ((List<Map<String, Object>>) report.get("tokens"))
                .stream()
                        .filter(token -> sid.equals(token.get("sid")))
                        .findFirst()
                        .map(token -> (List<Map<String, Object>>) token.get("findings"))
                        .orElseThrow();
    }

    private List<Object> kinds(String sid) {
        return findings(sid).stream().map(f -> f.get("kind")).toList();
    }

    private Map<String, Object> finding(String sid) {
        return findings(sid).stream()
                .filter(f -> "QUOTA_NEAR_LIMIT".equals(f.get("kind")))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no QUOTA_NEAR_LIMIT finding in " + findings(sid)));
    }
}
