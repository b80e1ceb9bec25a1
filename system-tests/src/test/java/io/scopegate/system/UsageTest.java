package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Traffic through real gateways, then the admin API's usage and report: counts match exactly what
 * was sent (across two replicas), unused scopes are exactly the granted-but-unsent ones, refusals are
 * counted by reason, nothing is lost at shutdown or while the store is away.
 */
class UsageTest extends SystemTest {

    @SuppressWarnings("unchecked")
    private Map<String, Object> usage(String account, String sid) {
        return admin().get()
                .uri("/v1/accounts/{a}/tokens/{s}/usage?days=1", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    private void awaitRequests(String account, String sid, long expected) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(((Number) usage(account, sid).get("requests")).longValue())
                        .isEqualTo(expected));
    }

    @Test
    @SuppressWarnings("unchecked")
    void usageMatchesTheTrafficSentThroughBothReplicas() {
        String account = newAccount();
        String campaigns = newApi("GET", "POST");
        String reports = newApi("GET", "POST");
        Map<String, Object> token = createToken(
                account,
                Map.of(
                        "name",
                        "integration",
                        "scopes",
                        List.of(
                                Map.of("api", campaigns, "methods", List.of("GET", "POST")),
                                Map.of("api", reports, "methods", List.of("GET")))));
        String sid = (String) token.get("sid");
        String auth = basic(sid, (String) token.get("authToken"));

        for (int i = 0; i < 5; i++) {
            assertThat(status(i % 2 == 0 ? gatewayA : gatewayB, "GET", "/" + campaigns + "/" + i, auth))
                    .isEqualTo(200);
        }
        assertThat(status(gatewayA, "HEAD", "/" + campaigns + "/h", auth)).isEqualTo(200);
        assertThat(status(gatewayB, "HEAD", "/" + campaigns + "/h", auth)).isEqualTo(200);
        for (int i = 0; i < 3; i++) {
            assertThat(status(gatewayB, "POST", "/" + reports + "/" + i, auth)).isEqualTo(403);
        }
        assertThat(status(
                        gatewayA, "GET", "/" + reports + "/x", basic(sid, "sgt_00000000000000000000000000000007zifQ")))
                .as("a wrong secret is not this token's use")
                .isEqualTo(403);

        awaitRequests(account, sid, 10);
        Map<String, Object> usage = usage(account, sid);
        assertThat(usage).containsEntry("sid", sid).containsEntry("denied", 3);
        assertThat((List<Map<String, Object>>) usage.get("scopes"))
                .extracting(s -> s.get("api") + ":" + s.get("method") + "=" + s.get("requests"))
                .containsExactlyInAnyOrder(campaigns + ":GET=7", campaigns + ":POST=0", reports + ":GET=0");
        assertThat((List<Map<String, Object>>) usage.get("unusedScopes"))
                .containsExactlyInAnyOrder(
                        Map.of("api", campaigns, "method", "POST"), Map.of("api", reports, "method", "GET"));
        assertThat((List<Map<String, Object>>) usage.get("denials"))
                .containsExactly(Map.of("api", reports, "method", "POST", "outcome", "out_of_scope", "requests", 3));
        assertThat(usage.get("lastUsedAt")).isNotNull();
        // The refusals also went, per minute, where the admin API looks for denial spikes.
        assertThat(system.admin
                        .getBean(org.springframework.r2dbc.core.DatabaseClient.class)
                        .sql(
                                "select coalesce(sum(requests), 0) from token_denials_recent"
                                        + " where token_sid = $1 and api_id = $2 and method = 'POST' and outcome = 'out_of_scope'")
                        .bind(0, sid)
                        .bind(1, reports)
                        .map(row -> row.get(0, Long.class))
                        .one()
                        .block(Duration.ofSeconds(5)))
                .isEqualTo(3);

        tokenAction(account, sid, "disable");
        await().atMost(Duration.ofSeconds(1)).until(() -> status(gatewayA, "GET", "/" + campaigns + "/d", auth) == 403);
        awaitRequests(account, sid, 11);
        assertThat((List<Map<String, Object>>) usage(account, sid).get("denials"))
                .contains(Map.of("api", campaigns, "method", "GET", "outcome", "disabled", "requests", 1));

        Map<String, Object> report = admin().get()
                .uri("/v1/accounts/{a}/token-report", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        Map<String, Object> entry = ((List<Map<String, Object>>) report.get("tokens"))
                .stream().filter(t -> sid.equals(t.get("sid"))).findFirst().orElseThrow();
        Map<String, Object> unused = ((List<Map<String, Object>>) entry.get("findings"))
                .stream()
                        .filter(f -> "UNUSED_SCOPES".equals(f.get("kind")))
                        .findFirst()
                        .orElseThrow();
        assertThat(unused.get("patch"))
                .isEqualTo(Map.of("scopes", List.of(Map.of("api", campaigns, "methods", List.of("GET")))));
    }

    @Test
    void stoppingAGatewayFlushesWhatItCounted() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        String sid = (String) token.get("sid");
        try (RunningGateway gateway = system.startGateway(Map.of("scopegate.usage.flush-interval", "1h"))) {
            awaitReady(gateway);
            for (int i = 0; i < 4; i++) {
                assertThat(status(gateway, "GET", "/" + api + "/" + i, basic(sid, (String) token.get("authToken"))))
                        .isEqualTo(200);
            }
            assertThat(usage(account, sid)).containsEntry("requests", 0);
        }
        assertThat(usage(account, sid)).containsEntry("requests", 4);
    }

    @Test
    void usageCountedDuringAStoreOutageIsWrittenWhenTheStoreReturns() throws Exception {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        String auth = basic((String) token.get("sid"), (String) token.get("authToken"));
        URI store = URI.create(system.r2dbcUrl().substring("r2dbc:".length()));
        try (CuttableProxy proxy = new CuttableProxy(store.getPort());
                RunningGateway gateway = system.startGateway(Map.of(
                        "spring.r2dbc.url", "r2dbc:postgresql://127.0.0.1:" + proxy.port() + store.getPath(),
                        "scopegate.gateway.store-timeout", "1s",
                        "scopegate.usage.flush-timeout", "1s"))) {
            awaitReady(gateway);
            assertThat(status(gateway, "GET", "/" + api + "/1", auth)).isEqualTo(200);
            awaitRequests(account, (String) token.get("sid"), 1);

            proxy.cut();
            for (int i = 0; i < 5; i++) {
                assertThat(status(gateway, "GET", "/" + api + "/" + i, auth)).isEqualTo(200);
            }
            gateway.management()
                    .get()
                    .uri("/actuator/prometheus")
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(String.class)
                    .value(scrape -> assertThat(scrape).contains("scopegate_usage_pending"));
            proxy.restore();
            awaitRequests(account, (String) token.get("sid"), 6);
        }
    }
}
