package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/** Upstream down: 502; upstream too slow: 504 (the tests run the gateway with a 2 s response timeout). */
class UpstreamFailureTest extends SystemTest {

    @Test
    void unreachableUpstreamIs502() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String account = newAccount();
        String api = unique("api-");
        putApi(api, "http://127.0.0.1:" + closedPort, "GET");
        awaitRouted(api, gatewayA);
        Map<String, Object> token = createToken(account, api, "GET");

        gatewayA.client()
                .get()
                .uri("/" + api + "/x")
                .header("Authorization", basic((String) token.get("sid"), (String) token.get("authToken")))
                .exchange()
                .expectStatus()
                .isEqualTo(502)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.title")
                .isEqualTo("Bad Gateway");
        // Let through, then failed upstream: counted as the failure, not as allowed.
        // (Counted when the exchange completes, just after the client has its answer.)
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(outcomeCount(api, "upstream_error")).isEqualTo(1.0));
    }

    @Test
    void slowUpstreamIs504() {
        String account = newAccount();
        String api = newApi("GET");
        upstream.stubFor(get(urlPathEqualTo("/" + api + "/slow"))
                .willReturn(aResponse().withStatus(200).withFixedDelay(5_000)));
        Map<String, Object> token = createToken(account, api, "GET");

        gatewayA.client()
                .get()
                .uri("/" + api + "/slow")
                .header("Authorization", basic((String) token.get("sid"), (String) token.get("authToken")))
                .exchange()
                .expectStatus()
                .isEqualTo(504)
                .expectBody()
                .jsonPath("$.title")
                .isEqualTo("Gateway Timeout");
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(
                        () -> assertThat(outcomeCount(api, "upstream_timeout")).isEqualTo(1.0));
        assertThat(outcomeCount(api, "allowed")).isZero();
    }

    private double outcomeCount(String api, String outcome) {
        String scrape = gatewayA.scrape();
        return scrape.lines()
                .filter(line -> line.startsWith("scopegate_requests_total{")
                        && line.contains("api=\"" + api + "\"")
                        && line.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
