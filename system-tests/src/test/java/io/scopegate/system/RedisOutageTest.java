package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * Redis killed (kill -9) and hung (SIGSTOP) under a gateway on the shared backend: no request is
 * refused because of it, each replica holds tokens to its share of their limits (divided by the live
 * replicas the store knows), the gauge and the health details say so, and the gateway goes back to
 * Redis on its own once it answers again.
 */
class RedisOutageTest extends SystemTest {

    private static final int BURST = 60;

    @Test
    void withRedisKilledOrHungTheGatewayServesOnItsShareAndComesBackOnItsOwn() throws Exception {
        try (RedisServer redis = RedisServer.start();
                RunningGateway gateway =
                        RedisGateways.start(redis, Map.of("scopegate.rate-limit.redis-retry-interval", "200ms"))) {
            awaitReady(gateway);
            RedisGateways.awaitShared(gateway);
            String account = newAccount();
            String api = newApi("GET");
            awaitRouted(api, gateway);
            String auth = limitedToken(account, api);
            // A second token for the hang: the first one's share is spent by then.
            String other = limitedToken(account, api);
            // This replica and the suite's two: the heartbeat has counted them once the share is a third or less.
            await().atMost(Duration.ofSeconds(15))
                    .until(() ->
                            ((Number) RedisGateways.rateLimitHealth(gateway).get("liveReplicas")).intValue() >= 3);
            assertThat(status(gateway, "GET", "/" + api + "/x", auth)).isEqualTo(200);
            assertThat(status(gateway, "GET", "/" + api + "/x", other)).isEqualTo(200);

            redis.kill();

            int before = liveReplicas(gateway);
            long start = System.nanoTime();
            int admitted = admittedOf(gateway, api, auth, BURST + 10);
            double elapsed = (System.nanoTime() - start) / 1e9;
            int after = liveReplicas(gateway);
            // Its share: the burst over the live replicas, plus what the share's rate refilled meanwhile.
            assertThat(admitted)
                    .isBetween(BURST / Math.max(before, after), (int) (BURST / Math.min(before, after) + 1 + elapsed));
            Map<String, Object> health = RedisGateways.rateLimitHealth(gateway);
            assertThat(health).containsEntry("status", "UP").containsEntry("degraded", true);
            assertThat(gateway.scrape()).contains("scopegate_rate_limit_backend_degraded 1.0");

            redis.restart();

            awaitBackOnRedis(gateway, api, auth);
            assertThat(gateway.scrape()).contains("scopegate_rate_limit_backend_degraded 0.0");

            redis.pause();

            // Hung, not gone: each request waits at most the timeout once degraded, and none is refused for it.
            assertThat(admittedOf(gateway, api, other, 5)).isPositive();
            assertThat(RedisGateways.rateLimitHealth(gateway))
                    .containsEntry("status", "UP")
                    .containsEntry("degraded", true)
                    .hasEntrySatisfying(
                            "reason", reason -> assertThat((String) reason).contains("no answer"));

            redis.resume();

            awaitBackOnRedis(gateway, api, auth);
        }
    }

    private String limitedToken(String account, String api) {
        Map<String, Object> token = createToken(
                account,
                Map.of(
                        "name",
                        unique("tier "),
                        "rateLimit",
                        Map.of("requestsPerSecond", 1, "burst", BURST),
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET")))));
        return basic((String) token.get("sid"), (String) token.get("authToken"));
    }

    private static int liveReplicas(RunningGateway gateway) {
        return ((Number) RedisGateways.rateLimitHealth(gateway).get("liveReplicas")).intValue();
    }

    /** Sends {@code requests} one after another; every answer is 200 or 429 (never 5xx); how many were 200. */
    private static int admittedOf(RunningGateway gateway, String api, String auth, int requests) {
        WebTestClient client =
                gateway.client().mutate().responseTimeout(Duration.ofSeconds(5)).build();
        int admitted = 0;
        for (int i = 0; i < requests; i++) {
            int status = client.get()
                    .uri("/" + api + "/x")
                    .header(HttpHeaders.AUTHORIZATION, auth)
                    .exchange()
                    .returnResult(String.class)
                    .getStatus()
                    .value();
            assertThat(status).isIn(200, 429);
            if (status == 200) {
                admitted++;
            }
        }
        return admitted;
    }

    /** Requests keep coming (one of them, each retry interval, tries Redis); the gateway recovers by itself. */
    private static void awaitBackOnRedis(RunningGateway gateway, String api, String auth) {
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            status(gateway, "GET", "/" + api + "/x", auth);
            return Boolean.FALSE.equals(RedisGateways.rateLimitHealth(gateway).get("degraded"));
        });
    }
}
