package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;

/** The management port exports the contract's scopegate_* series with per-token values. */
class GatewayMetricsTest extends SystemTest {

    @Test
    void prometheusShowsPerTokenRequestsByOutcomeAndTheCacheAndInvalidationSeries() {
        String account = newAccount();
        String api = newApi("GET", "POST");
        Map<String, Object> token = createToken(account, api, "GET");
        String sid = (String) token.get("sid");
        String auth = basic(sid, (String) token.get("authToken"));
        for (int i = 0; i < 3; i++) {
            assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(200);
        }
        assertThat(status(gatewayA, "POST", "/" + api + "/x", auth)).isEqualTo(403);
        tokenAction(account, sid, "disable");

        String scrape = gatewayA.scrape();

        assertThat(value(
                        scrape,
                        "scopegate_requests_total",
                        "account=\"" + account + "\"",
                        "api=\"" + api + "\"",
                        "method=\"GET\"",
                        "outcome=\"allowed\"",
                        "token=\"" + sid + "\""))
                .isEqualTo(3.0);
        assertThat(value(
                        scrape,
                        "scopegate_requests_total",
                        "account=\"" + account + "\"",
                        "api=\"" + api + "\"",
                        "method=\"POST\"",
                        "outcome=\"out_of_scope\"",
                        "token=\"" + sid + "\""))
                .isEqualTo(1.0);
        assertThat(scrape)
                .contains("scopegate_request_duration_seconds_bucket{api=\"" + api + "\",outcome=\"allowed\"");
        assertThat(scrape)
                .contains(
                        "scopegate_token_cache_size",
                        "scopegate_token_cache_hits_total",
                        "scopegate_token_cache_misses_total",
                        "scopegate_token_cache_evictions_total",
                        "scopegate_invalidation_lag_seconds_count");
        // Over HTTP the health endpoint shows its status only (GatewayManagementSecurityTest); the
        // storeSync component's details are read here from the running gateway itself.
        Health storeSync = gatewayA.context()
                .getBean("storeSyncHealthIndicator", ReactiveHealthIndicator.class)
                .health()
                .block(Duration.ofSeconds(5));
        assertThat(storeSync.getStatus()).isEqualTo(Status.UP);
        assertThat(storeSync.getDetails()).containsEntry("cache", "warm").containsEntry("store", "in sync");
    }

    @Test
    void tokensBeyondTheSeriesCapAreCountedInOneOverflowSeries() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> first = createToken(account, api, "GET");
        Map<String, Object> second = createToken(account, api, "GET");
        Map<String, Object> third = createToken(account, api, "GET");
        try (RunningGateway gateway = system.startGateway(Map.of("scopegate.metrics.max-token-series", "1"))) {
            awaitReady(gateway);
            assertThat(status(gateway, "GET", "/" + api + "/x", basic((String) first.get("sid"), (String)
                            first.get("authToken"))))
                    .isEqualTo(200);
            assertThat(status(gateway, "GET", "/" + api + "/x", basic((String) second.get("sid"), (String)
                            second.get("authToken"))))
                    .isEqualTo(200);
            assertThat(status(gateway, "GET", "/" + api + "/x", basic((String) third.get("sid"), (String)
                            third.get("authToken"))))
                    .isEqualTo(200);

            // A request is counted when its exchange completes, which a client can see a moment after
            // the response arrived: read the scrape until the last request is in it.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                String scrape = gateway.scrape();
                assertThat(value(
                                scrape,
                                "scopegate_requests_total",
                                "account=\"" + account + "\"",
                                "api=\"" + api + "\"",
                                "method=\"GET\"",
                                "outcome=\"allowed\"",
                                "token=\"" + first.get("sid") + "\""))
                        .isEqualTo(1.0);
                assertThat(value(
                                scrape,
                                "scopegate_requests_total",
                                "account=\"_overflow\"",
                                "api=\"" + api + "\"",
                                "method=\"GET\"",
                                "outcome=\"allowed\"",
                                "token=\"_overflow\""))
                        .isEqualTo(2.0);
                assertThat(scrape).doesNotContain((String) second.get("sid")).doesNotContain((String) third.get("sid"));
            });
        }
    }

    /** The soak's finding: a deleted token's series stayed in every scrape until a restart. */
    @Test
    void aDeletedTokensSeriesLeaveTheScrapeOfEveryGateway() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> deleted = createToken(account, api, "GET");
        Map<String, Object> kept = createToken(account, api, "GET");
        String deletedSid = (String) deleted.get("sid");
        String keptSid = (String) kept.get("sid");
        for (RunningGateway gateway : new RunningGateway[] {gatewayA, gatewayB}) {
            assertThat(status(gateway, "GET", "/" + api + "/x", basic(deletedSid, (String) deleted.get("authToken"))))
                    .isEqualTo(200);
            assertThat(status(gateway, "GET", "/" + api + "/x", basic(keptSid, (String) kept.get("authToken"))))
                    .isEqualTo(200);
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(gateway.scrape()).contains("token=\"" + deletedSid + "\""));
        }

        admin().delete()
                .uri("/v1/accounts/{a}/tokens/{s}", account, deletedSid)
                .exchange()
                .expectStatus()
                .isNoContent();

        for (RunningGateway gateway : new RunningGateway[] {gatewayA, gatewayB}) {
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(gateway.scrape())
                            .doesNotContain(deletedSid)
                            .contains("token=\"" + keptSid + "\""));
        }
    }

    /** The value of the one series with exactly these labels (in Prometheus' sorted order). */
    @Test
    void managementRequestsAreNeitherCountedNorRefusedAsProxyTraffic() {
        for (int i = 0; i < 3; i++) {
            gatewayA.management()
                    .get()
                    .uri("/actuator/health/liveness")
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
        String scrape = gatewayA.scrape();

        assertThat(scrape.lines()
                        .filter(line -> line.startsWith("scopegate_requests_total{"))
                        .filter(line -> line.contains("token=\"none\"") && line.contains("outcome=\"error\"")))
                .isEmpty();
    }

    private static double value(String scrape, String name, String... labels) {
        Matcher matcher = Pattern.compile(
                        "^" + name + "\\{" + Pattern.quote(String.join(",", labels)) + ",?\\} (\\S+)$",
                        Pattern.MULTILINE)
                .matcher(scrape);
        assertThat(matcher.find())
                .as(name + " " + String.join(",", labels) + " in\n"
                        + scrape.lines().filter(l -> l.startsWith(name)).toList())
                .isTrue();
        return Double.parseDouble(matcher.group(1));
    }
}
