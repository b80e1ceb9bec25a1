package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract's outage rules, on a gateway whose only way to the store is a relay the test cuts:
 * verified tokens keep working for outage-grace, a token seen revoked stays refused, an unknown token
 * gets 503 (not 403) within the store timeout, readiness is DOWN while the cache is cold.
 */
class StoreOutageTest extends SystemTest {

    @Test
    void outageRules() throws Exception {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> known = createToken(account, api, "GET");
        Map<String, Object> revoked = createToken(account, api, "GET");
        String knownAuth = basic((String) known.get("sid"), (String) known.get("authToken"));
        String revokedAuth = basic((String) revoked.get("sid"), (String) revoked.get("authToken"));
        URI store = URI.create(system.r2dbcUrl().substring("r2dbc:".length()));

        try (CuttableProxy proxy = new CuttableProxy(store.getPort())) {
            proxy.cut();
            try (RunningGateway gateway = system.startGateway(Map.of(
                    "spring.r2dbc.url", "r2dbc:postgresql://127.0.0.1:" + proxy.port() + store.getPath(),
                    "scopegate.gateway.outage-grace", "4s",
                    "scopegate.gateway.store-timeout", "1s"))) {

                // Cold: never synced, so not ready, and nobody can be vouched for.
                gateway.management()
                        .get()
                        .uri("/actuator/health/readiness")
                        .exchange()
                        .expectStatus()
                        .isEqualTo(503);
                // ...but alive: waiting for the store is no reason for an orchestrator to restart it.
                gateway.management()
                        .get()
                        .uri("/actuator/health/liveness")
                        .exchange()
                        .expectStatus()
                        .isOk();
                assertThat(status(gateway, "GET", "/" + api + "/x", knownAuth)).isEqualTo(503);

                proxy.restore();
                await().atMost(Duration.ofSeconds(10))
                        .untilAsserted(() -> gateway.management()
                                .get()
                                .uri("/actuator/health/readiness")
                                .exchange()
                                .expectStatus()
                                .isOk());
                awaitRouted(api, gateway);
                assertThat(status(gateway, "GET", "/" + api + "/x", knownAuth)).isEqualTo(200);
                assertThat(status(gateway, "GET", "/" + api + "/x", revokedAuth))
                        .isEqualTo(200);
                tokenAction(account, revoked.get("sid"), "disable");
                await().atMost(Duration.ofSeconds(2))
                        .until(() -> status(gateway, "GET", "/" + api + "/x", revokedAuth) == 403);

                proxy.cut();
                Map<String, Object> unknown = createToken(account, api, "GET");
                long start = System.nanoTime();
                assertThat(status(gateway, "GET", "/" + api + "/x", basic((String) unknown.get("sid"), (String)
                                unknown.get("authToken"))))
                        .as("unknown while the store is down")
                        .isEqualTo(503);
                assertThat(Duration.ofNanos(System.nanoTime() - start))
                        .as("answered, not hung")
                        .isLessThan(Duration.ofSeconds(10));
                assertThat(status(gateway, "GET", "/" + api + "/x", knownAuth))
                        .as("cached, within grace")
                        .isEqualTo(200);
                assertThat(status(gateway, "GET", "/" + api + "/x", revokedAuth))
                        .as("seen revoked")
                        .isEqualTo(403);
                gateway.management()
                        .get()
                        .uri("/actuator/health/readiness")
                        .exchange()
                        .expectStatus()
                        .isOk();

                await().atMost(Duration.ofSeconds(10))
                        .until(() -> status(gateway, "GET", "/" + api + "/x", knownAuth) == 503);
                assertThat(status(gateway, "GET", "/" + api + "/x", revokedAuth))
                        .as("still refused past grace")
                        .isEqualTo(403);

                proxy.restore();
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> status(gateway, "GET", "/" + api + "/x", knownAuth) == 200);
            }
        }
    }
}
