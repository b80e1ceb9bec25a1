package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;

/**
 * Quotas on the default local backend, against the real store: a replica counts on its own, from what
 * the store's usage held when it first saw the token, so a new replica does not give a token its whole
 * day again.
 */
class LocalQuotaTest extends SystemTest {

    @Test
    void aReplicaThatFirstSeesATokenStartsItsQuotaFromTheStoresUsage() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        String sid = (String) token.get("sid");
        String auth = basic(sid, (String) token.get("authToken"));
        RedisGateways.setQuota(system, account, sid, 3, null);

        // Until gateway A has reloaded the token its requests are not limited (and not counted here).
        await().atMost(Duration.ofSeconds(5)).until(() -> policy(gatewayA, api, auth) != null);
        int admitted = 1;
        while (statusOf(gatewayA, api, auth) == 200) {
            admitted++;
        }
        // Never more than the quota. One fewer when the store's count (read after the first request,
        // without waiting) arrived after that request's usage was flushed (every 200 ms here): the first
        // request is then counted in both, and the replica errs toward refusing early, never late.
        assertThat(admitted).isBetween(2, 3);
        // Every replica's usage reaches the store (every 200 ms in these tests).
        await().atMost(Duration.ofSeconds(10))
                .until(() -> ((Number) admin().get()
                                        .uri("/v1/accounts/{a}/tokens/{s}/usage?days=1", account, sid)
                                        .exchange()
                                        .expectBody(MAP)
                                        .returnResult()
                                        .getResponseBody()
                                        .get("requests"))
                                .longValue()
                        >= 3);

        try (RunningGateway fresh = system.startGateway(Map.of())) {
            awaitReady(fresh);
            awaitRouted(api, fresh);
            // Its first sight of the token starts reading the store's count without waiting for it: what
            // passes before the count arrives is this replica's to count, but never the whole day again.
            int passed = 0;
            while (statusOf(fresh, api, auth) == 200) {
                passed++;
                assertThat(passed)
                        .as("admitted by a replica that first saw the token")
                        .isLessThan(3);
            }
            fresh.client()
                    .get()
                    .uri("/" + api + "/x")
                    .header(HttpHeaders.AUTHORIZATION, auth)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(429)
                    .expectHeader()
                    .valueEquals("RateLimit-Remaining", "0")
                    .expectBody()
                    .jsonPath("$.type")
                    .isEqualTo("urn:scopegate:problem:quota-exceeded");
        }
    }

    private static String policy(RunningGateway gateway, String api, String auth) {
        return gateway.client()
                .get()
                .uri("/" + api + "/x")
                .header(HttpHeaders.AUTHORIZATION, auth)
                .exchange()
                .returnResult(String.class)
                .getResponseHeaders()
                .getFirst("RateLimit-Policy");
    }

    private static int statusOf(RunningGateway gateway, String api, String auth) {
        return status(gateway, "GET", "/" + api + "/x", auth);
    }
}
