package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A replica put behind the load balancer meets the tokens in use in memory: before it reports ready it
 * loads the most recently used ones, so its first requests for them cost the store nothing, and a
 * token revoked since is refused all the same.
 */
class TokenWarmUpTest extends SystemTest {

    @Test
    void aNewReplicaServesRecentlyUsedTokensFromMemoryFromItsFirstRequest() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> used = createToken(account, api, "GET");
        Map<String, Object> revoked = createToken(account, api, "GET");
        String usedAuth = basic((String) used.get("sid"), (String) used.get("authToken"));
        String revokedAuth = basic((String) revoked.get("sid"), (String) revoked.get("authToken"));
        assertThat(status(gatewayA, "GET", "/" + api + "/x", usedAuth)).isEqualTo(200);
        assertThat(status(gatewayA, "GET", "/" + api + "/x", revokedAuth)).isEqualTo(200);
        // The gateways write last_used_at with their usage (every 200 ms here).
        await().atMost(Duration.ofSeconds(10))
                .until(() ->
                        lastUsed(account, (String) used.get("sid")) && lastUsed(account, (String) revoked.get("sid")));
        tokenAction(account, revoked.get("sid"), "disable");

        try (RunningGateway replica = system.startGateway(Map.of())) {
            awaitReady(replica);
            double loadsWhenReady = value(replica.scrape(), "scopegate_token_cache_misses_total");

            assertThat(status(replica, "GET", "/" + api + "/x", usedAuth)).isEqualTo(200);
            assertThat(status(replica, "GET", "/" + api + "/x", revokedAuth)).isEqualTo(403);

            assertThat(value(replica.scrape(), "scopegate_token_cache_misses_total"))
                    .as("store lookups after the replica was ready")
                    .isEqualTo(loadsWhenReady);
        }
    }

    private boolean lastUsed(String account, String sid) {
        Map<?, ?> token = admin().get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return token != null && token.get("lastUsedAt") != null;
    }

    private static double value(String scrape, String name) {
        Matcher matcher = Pattern.compile("^" + name + "(\\{[^}]*\\})? (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        assertThat(matcher.find()).as(name).isTrue();
        return Double.parseDouble(matcher.group(2));
    }
}
