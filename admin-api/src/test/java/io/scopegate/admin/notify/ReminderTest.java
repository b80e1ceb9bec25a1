package io.scopegate.admin.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.scopegate.admin.AdminApiTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/** Reminders that time makes, each sent once: the clock is moved across each threshold. */
class ReminderTest extends AdminApiTest {

    private static final WireMockServer receiver =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll
    static void startReceiver() {
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop();
    }

    private List<String> received(String path, String type) {
        return receiver.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .map(request -> JSON.readTree(request.getBodyAsString()))
                .filter(body -> body.get("type").asString().equals(type))
                .map(body -> body.get("data").toString())
                .toList();
    }

    @Test
    void aTokenExpiringInTenDaysHearsSevenAndOneDayBeforeExactlyOnceEach() throws InterruptedException {
        String account = newAccount();
        receiver.stubFor(
                post(urlPathEqualTo("/reminders")).willReturn(aResponse().withStatus(204)));
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "url", receiver.baseUrl() + "/reminders", "events", List.of("token.expiring", "token.expired")))
                .exchange()
                .expectStatus()
                .isCreated();
        String sid = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "Ten days",
                                "expiresAt",
                                clock.instant().plus(Duration.ofDays(10)).toString(),
                                "scopes",
                                List.of(Map.of("api", newApi(), "methods", List.of("GET")))))
                .get("sid");

        Thread.sleep(1000); // several scheduler runs: the 14-day window opened before the token existed
        assertThat(received("/reminders", "token.expiring")).isEmpty();

        clock.advance(Duration.ofDays(3).plusHours(1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/reminders", "token.expiring").size() == 1);
        assertThat(received("/reminders", "token.expiring").get(0)).contains(sid, "\"daysLeft\":7");

        clock.advance(Duration.ofDays(6));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/reminders", "token.expiring").size() == 2);
        assertThat(received("/reminders", "token.expiring").get(1)).contains("\"daysLeft\":1");

        clock.advance(Duration.ofDays(1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/reminders", "token.expired").size() == 1);
        Thread.sleep(1000); // more runs, and nothing is sent twice
        assertThat(received("/reminders", "token.expiring")).hasSize(2);
        assertThat(received("/reminders", "token.expired")).hasSize(1);
        assertThat(count(
                        "select count(*) from notification_outbox where data->>'tokenSid' = $1 and type like 'token.expir%'",
                        sid))
                .isEqualTo(3);
        // Never used a week after it was created (and not stale, nor due for rotation yet).
        assertThat(count(
                        "select count(*) from notification_outbox where data->>'tokenSid' = $1 and type = 'token.never_used'",
                        sid))
                .isEqualTo(1);
        assertThat(count(
                        "select count(*) from notification_outbox where data->>'tokenSid' = $1"
                                + " and type in ('token.stale', 'token.rotation_due')",
                        sid))
                .isZero();
    }

    @Test
    void legacyTokensHearTheirRemindersOncePerKind() throws InterruptedException {
        String account = newAccount();
        enableLegacy(account);
        clock.advance(NEVER_USED_AFTER_AND_A_DAY);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count(
                                "select count(*) from notification_outbox where account_sid = $1"
                                        + " and type = 'legacy_token.never_used'",
                                account)
                        == 2);
        Thread.sleep(600); // more runs: still once per kind
        assertThat(count(
                        "select count(*) from notification_outbox where account_sid = $1"
                                + " and type = 'legacy_token.never_used'",
                        account))
                .isEqualTo(2);
        assertThat(count(
                        "select count(*) from notification_outbox where account_sid = $1"
                                + " and type = 'legacy_token.never_used' and data->>'legacyKind' = 'READ_ONLY'",
                        account))
                .isEqualTo(1);

        clock.advance(Duration.ofDays(100)); // past the 90-day rotation threshold
        await().atMost(Duration.ofSeconds(10))
                .until(() -> count(
                                "select count(*) from notification_outbox where account_sid = $1"
                                        + " and type = 'legacy_token.rotation_due'",
                                account)
                        == 2);
    }

    @Test
    void aTokenRefusedOverAndOverIsReportedOnceAnHourWithWhatWasRefused() throws InterruptedException {
        String account = newAccount();
        String api = newApi();
        String sid =
                (String) createToken(account, "Missing a scope", api, "GET").get("sid");
        refused(sid, account, api, "POST", 90);
        refused(sid, account, api, "DELETE", 5);
        Thread.sleep(600); // 95 refusals: under the threshold (100), no notification
        assertThat(spikes(sid)).isZero();

        refused(sid, account, api, "POST", 10);
        await().atMost(Duration.ofSeconds(10)).until(() -> spikes(sid) == 1);
        String data = db.sql("select data::text from notification_outbox where type = 'token.denial_spike'"
                        + " and data->>'tokenSid' = $1")
                .bind(0, sid)
                .map(row -> row.get(0, String.class))
                .one()
                .block(Duration.ofSeconds(5));
        assertThat(JSON.readTree(data).get("refused").asLong()).isEqualTo(105);
        assertThat(JSON.readTree(data).get("refusals").get(0).toString())
                .contains("\"api\":\"" + api + "\"", "\"method\":\"POST\"", "\"requests\":100");

        // Still refused within the hour (whether or not the clock's next hour has begun): not reported again.
        clock.advance(Duration.ofMinutes(30));
        refused(sid, account, api, "POST", 200);
        clock.advance(Duration.ofMinutes(28));
        refused(sid, account, api, "POST", 200);
        Thread.sleep(600);
        assertThat(spikes(sid)).isEqualTo(1);

        clock.advance(Duration.ofHours(2));
        refused(sid, account, api, "POST", 200);
        await().atMost(Duration.ofSeconds(10)).until(() -> spikes(sid) == 2);
        // What the gateways wrote is kept an hour, no longer.
        assertThat(count(
                        "select count(*) from token_denials_recent where token_sid = $1 and minute < now() - interval '1 hour'"
                                .replace("now()", "'" + clock.instant() + "'::timestamptz"),
                        sid))
                .isZero();
    }

    private static final Duration NEVER_USED_AFTER_AND_A_DAY = Duration.ofDays(8);

    private long spikes(String sid) {
        return count(
                "select count(*) from notification_outbox where type = 'token.denial_spike' and data->>'tokenSid' = $1",
                sid);
    }

    /** Issue 16: 80 % of a quota is worth telling before the gateways start refusing the token. */
    @Test
    void aTokenAtEightyPercentOfItsDailyQuotaHearsItOnceThatDayAndAgainTheNext() throws InterruptedException {
        String account = newAccount();
        String api = newApi();
        receiver.stubFor(post(urlPathEqualTo("/quota")).willReturn(aResponse().withStatus(204)));
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", receiver.baseUrl() + "/quota", "events", List.of("token.quota_near_limit")))
                .exchange()
                .expectStatus()
                .isCreated();
        String sid = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "Metered",
                                "quota",
                                Map.of("perDay", 100, "perMonth", 1_000_000),
                                "scopes",
                                List.of(Map.of("api", api, "methods", List.of("GET")))))
                .get("sid");

        allowed(sid, account, api, 79);
        refusedToday(sid, account, api, 50);
        Thread.sleep(1000); // several scheduler runs: 79 allowed (refusals do not count) is under 80 %
        assertThat(received("/quota", "token.quota_near_limit")).isEmpty();

        allowed(sid, account, api, 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/quota", "token.quota_near_limit").size() == 1);
        assertThat(received("/quota", "token.quota_near_limit").get(0))
                .contains(sid, "\"period\":\"day\"", "\"used\":80", "\"quota\":100");
        allowed(sid, account, api, 15);
        Thread.sleep(1000); // more runs, and the same day is not told twice
        assertThat(received("/quota", "token.quota_near_limit")).hasSize(1);

        clock.advance(Duration.ofDays(1));
        allowed(sid, account, api, 90);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/quota", "token.quota_near_limit").size() == 2);
        assertThat(received("/quota", "token.quota_near_limit").get(1)).contains("\"used\":90");
    }

    /** What a gateway writes for requests it let through, on the current UTC day. */
    private void allowed(String sid, String account, String api, long requests) {
        usage(sid, account, api, "allowed", requests);
    }

    private void refusedToday(String sid, String account, String api, long requests) {
        usage(sid, account, api, "rate_limited", requests);
    }

    private void usage(String sid, String account, String api, String outcome, long requests) {
        db.sql("""
                insert into token_usage_daily (token_sid, account_sid, day, api_id, method, outcome, requests, last_used_at)
                values ($1, $2, cast($3 as timestamptz) at time zone 'UTC', $4, 'GET', $5, $6, $3)
                on conflict (token_sid, day, api_id, method, outcome)
                do update set requests = token_usage_daily.requests + excluded.requests
                """)
                .bind(0, sid)
                .bind(1, account)
                .bind(2, clock.instant())
                .bind(3, api)
                .bind(4, outcome)
                .bind(5, requests)
                .then()
                .block(Duration.ofSeconds(5));
    }

    /** What a gateway writes for refused requests, in the current minute. */
    private void refused(String sid, String account, String api, String method, long requests) {
        db.sql("""
                insert into token_denials_recent (token_sid, account_sid, minute, api_id, method, outcome, requests)
                values ($1, $2, date_trunc('minute', $3::timestamptz), $4, $5, 'out_of_scope', $6)
                on conflict (token_sid, minute, api_id, method, outcome)
                do update set requests = token_denials_recent.requests + excluded.requests
                """)
                .bind(0, sid)
                .bind(1, account)
                .bind(2, clock.instant())
                .bind(3, api)
                .bind(4, method)
                .bind(5, requests)
                .then()
                .block(Duration.ofSeconds(5));
    }
}
