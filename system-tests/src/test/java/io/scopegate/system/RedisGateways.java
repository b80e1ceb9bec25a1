package io.scopegate.system;

import static org.awaitility.Awaitility.await;

import io.scopegate.store.event.StoreEvent;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;

/** Gateway replicas on the shared rate-limit backend, and what their tests do to them. */
final class RedisGateways {

    private RedisGateways() {}

    /** A replica counting on {@code redis}; health details shown so tests can read the backend's state. */
    static RunningGateway start(RedisServer redis, Map<String, String> overrides) {
        Map<String, String> properties = new HashMap<>(Map.of(
                "scopegate.rate-limit.backend", "redis",
                "spring.data.redis.url", redis.url(),
                "spring.data.redis.password", RedisServer.PASSWORD,
                "scopegate.gateway.trusted-proxies", "127.0.0.1/32,::1/128",
                "management.endpoint.health.show-details", "always"));
        properties.putAll(overrides);
        return Scopegate.get().startGateway(properties);
    }

    /** The replica's {@code rateLimit} health details, e.g. {@code degraded}, {@code liveReplicas}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> rateLimitHealth(RunningGateway gateway) {
        Map<String, Object> health = gateway.management()
                .get()
                .uri("/actuator/health")
                .exchange()
                .expectBody(SystemTest.MAP)
                .returnResult()
                .getResponseBody();
        Map<String, Object> rateLimit =
                (Map<String, Object>) ((Map<String, Object>) health.get("components")).get("rateLimit");
        Map<String, Object> details = new HashMap<>((Map<String, Object>) rateLimit.get("details"));
        details.put("status", rateLimit.get("status"));
        return details;
    }

    static void awaitShared(RunningGateway gateway) {
        await().atMost(Duration.ofSeconds(10))
                .until(() -> Boolean.FALSE.equals(rateLimitHealth(gateway).get("degraded")));
    }

    /**
     * Gives a token a quota as the admin API would once it has the field (another part of issue 16):
     * the columns, then a token event in the same transaction under the event lock, so every gateway
     * reloads the token within its poll interval.
     */
    static void setQuota(Scopegate system, String account, String sid, Integer perDay, Integer perMonth) {
        DatabaseClient db = system.admin.getBean(DatabaseClient.class);
        // SIDs are letters and digits; the statements run as one simple query, so in one transaction.
        db.sql("begin; select pg_advisory_xact_lock(" + StoreEvent.WRITE_LOCK + ");"
                        + " update tokens set quota_per_day = " + perDay + ", quota_per_month = " + perMonth
                        + " where sid = '" + sid + "';"
                        + " insert into token_events (at, kind, account_sid, token_sid)"
                        + " values (now(), 'TOKEN', '" + account + "', '" + sid + "'); commit;")
                .then()
                .block(Duration.ofSeconds(10));
    }
}
