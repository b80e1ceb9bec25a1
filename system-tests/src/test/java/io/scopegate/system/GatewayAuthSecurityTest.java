package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * Security review, issue 14: the Basic username and the failed-authentication throttle, through real
 * HTTP on a gateway of the test's own (its own throttle budget) and the real store.
 */
@Tag("security")
@ExtendWith(OutputCaptureExtension.class)
class GatewayAuthSecurityTest extends SystemTest {

    /**
     * Finding 3: a NUL or control byte in the username reached PostgreSQL, which refused it: 503
     * instead of the common 403, a 14 KB stack trace per request, and never throttled.
     */
    @Test
    void aUsernameWithControlBytesIsTheCommon403CountedByTheThrottleAndLogsNoStackTrace(CapturedOutput output) {
        String api = newApi("GET");
        String secret = (String) createToken(newAccount(), api, "GET").get("authToken");
        int budget = 4;
        try (RunningGateway gateway =
                system.startGateway(Map.of("scopegate.gateway.auth-failures-per-minute", String.valueOf(budget)))) {
            awaitReady(gateway);
            int logged = output.length();
            byte[] common = refusal(gateway, api, null).getResponseBodyContent();

            for (String username : List.of("DEMO\u0000", "\u0000", "ST\u0007" + "0".repeat(31))) {
                EntityExchangeResult<byte[]> refused = refusal(gateway, api, basic(username, secret));
                assertThat(refused.getStatus().value())
                        .as("username %s", username.replace("\u0000", "\\0"))
                        .isEqualTo(403);
                assertThat(refused.getResponseBodyContent()).isEqualTo(common);
            }
            // The missing header and three malformed names used the budget: the store was never asked.
            assertThat(refusal(gateway, api, basic("DEMO\u0000", secret))
                            .getStatus()
                            .value())
                    .isEqualTo(429);
            assertThat(output.toString().substring(logged))
                    .doesNotContain("invalid byte sequence")
                    .doesNotContain("0x00")
                    .doesNotContain("Exception thrown during asynchronous load");
        }
    }

    /**
     * Finding 4: the throttle checked before the store lookup and counted after it, so 300–390 of
     * 400 simultaneous unknown-SID requests from one address reached the store in one burst (budget
     * 100). Now each lookup reserves its place first: the budget bounds the lookups and the 403s.
     */
    @Test
    void simultaneousUnknownSidsFromOneAddressReachTheStoreAtMostTheBudgetTimes() {
        String api = newApi("GET");
        int budget = 20;
        int burst = 150;
        try (RunningGateway gateway =
                system.startGateway(Map.of("scopegate.gateway.auth-failures-per-minute", String.valueOf(budget)))) {
            awaitReady(gateway);
            double lookupsBefore = cacheMisses(gateway);
            ConnectionProvider connections = ConnectionProvider.builder("burst")
                    .maxConnections(burst)
                    .pendingAcquireMaxCount(-1)
                    .build();
            try {
                WebClient client = WebClient.builder()
                        .baseUrl("http://localhost:" + gateway.port())
                        .clientConnector(new ReactorClientHttpConnector(HttpClient.create(connections)))
                        .build();
                String secret = "sgt_00000000000000000000000000000007zifQ";
                List<Integer> statuses = Flux.range(0, burst)
                        .flatMap(
                                i -> client.get()
                                        .uri("/" + api + "/x")
                                        .header("Authorization", basic("ST%032x".formatted(0xb000 + i), secret))
                                        .exchangeToMono(response -> response.releaseBody()
                                                .thenReturn(
                                                        response.statusCode().value())),
                                burst)
                        .collectList()
                        .block(Duration.ofSeconds(60));

                assertThat(statuses).hasSize(burst).containsOnly(403, 429);
                assertThat(statuses).filteredOn(status -> status == 403).hasSizeLessThanOrEqualTo(budget);
                assertThat(cacheMisses(gateway) - lookupsBefore)
                        .as("store lookups")
                        .isLessThanOrEqualTo(budget);
            } finally {
                connections.disposeLater().block(Duration.ofSeconds(10));
            }
        }
    }

    /** Loads from the store so far: {@code scopegate_token_cache_misses_total}. */
    private static double cacheMisses(RunningGateway gateway) {
        return gateway.scrape()
                .lines()
                .filter(line -> line.startsWith("scopegate_token_cache_misses_total"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    private static EntityExchangeResult<byte[]> refusal(RunningGateway gateway, String api, String authorization) {
        return gateway.client()
                .get()
                .uri("/" + api + "/x")
                .headers(headers -> {
                    if (authorization != null) {
                        headers.set("Authorization", authorization);
                    }
                })
                .exchange()
                .expectBody()
                .returnResult();
    }
}
