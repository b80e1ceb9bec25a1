package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * Token events are purged once every live replica applied them; a replica away for longer (its
 * heartbeat gone, its cursor purged past) must not miss a revocation whose event it never saw: back
 * in touch, it finds its cursor purged and drops its cache (issue 15).
 */
class EventRetentionTest extends SystemTest {

    @Test
    void aReplicaBackAfterTheEventsItMissedWerePurgedDropsItsCache() throws Exception {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        String auth = basic((String) token.get("sid"), (String) token.get("authToken"));
        URI store = URI.create(system.r2dbcUrl().substring("r2dbc:".length()));

        try (CuttableProxy proxy = new CuttableProxy(store.getPort());
                RunningGateway away = system.startGateway(Map.of(
                        "spring.r2dbc.url",
                        "r2dbc:postgresql://127.0.0.1:" + proxy.port() + store.getPath(),
                        "scopegate.gateway.store-timeout",
                        "1s"))) {
            awaitRouted(api, away);
            assertThat(status(away, "GET", "/" + api + "/x", auth)).isEqualTo(200);

            proxy.cut();
            tokenAction(account, token.get("sid"), "disable");
            createToken(account, api, "GET"); // a newer event, the one a purge keeps
            // What retention does once the replica has been silent for longer than it: every event but
            // the newest is gone, the disable's among them.
            system.admin
                    .getBean(DatabaseClient.class)
                    .sql("delete from token_events where id < (select max(id) from token_events)")
                    .then()
                    .block(Duration.ofSeconds(10));
            assertThat(status(away, "GET", "/" + api + "/x", auth))
                    .as("still trusted from its cache, within outage-grace")
                    .isEqualTo(200);

            proxy.restore();
            await().atMost(Duration.ofSeconds(10)).until(() -> status(away, "GET", "/" + api + "/x", auth) == 403);
        }
        assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(403);
    }
}
