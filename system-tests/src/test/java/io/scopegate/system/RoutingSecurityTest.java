package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Issue 14, finding 5: a path goes to the API with the most specific matching pattern across the
 * whole catalog. APIs used to be ordered by their single most specific pattern, so API B with
 * {@code /q/exact} and {@code /p/**} took {@code /p/a/1} from API A's {@code /p/a/{id}}, and a token
 * scoped to B alone was let into A's path (at A's path on B's upstream).
 */
@Tag("security")
class RoutingSecurityTest extends SystemTest {

    private WireMockServer upstreamA;
    private String apiA;
    private String apiB;
    private String p;
    private String account;

    @BeforeEach
    void twoApisWhoseBroadPatternRidesOnAnExactOne() {
        upstreamA = new WireMockServer(WireMockConfiguration.options().dynamicPort());
        upstreamA.start();
        upstreamA.stubFor(any(urlPathMatching("/.*"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"from\":\"A\"}")));
        p = unique("p");
        String q = unique("q");
        apiA = unique("api-a-");
        apiB = unique("api-b-");
        putApiAt(apiA, List.of("/" + p + "/a/{id}"), "http://localhost:" + upstreamA.port());
        putApiAt(apiB, List.of("/" + q + "/exact", "/" + p + "/**"), "http://localhost:" + upstream.port());
        upstream.stubFor(any(urlPathMatching("/" + p + "/.*"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"from\":\"B\"}")));
        account = newAccount();
        // Both replicas route both APIs: B's catch-all answers (403 without credentials).
        for (RunningGateway gateway : List.of(gatewayA, gatewayB)) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> status(gateway, "GET", "/" + p + "/a/1", null) == 403
                            && status(gateway, "GET", "/" + q + "/exact", null) == 403);
        }
    }

    @AfterEach
    void stopUpstreamA() {
        upstreamA.stop();
    }

    private void putApiAt(String id, List<String> paths, String upstreamUrl) {
        admin().put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        id,
                        "paths",
                        paths,
                        "methods",
                        List.of("GET"),
                        "upstreamUrl",
                        upstreamUrl,
                        "latestVersion",
                        1))
                .exchange()
                .expectStatus()
                .is2xxSuccessful();
    }

    private String tokenScopedTo(String api) {
        Map<String, Object> token = createToken(account, api, "GET");
        return basic((String) token.get("sid"), (String) token.get("authToken"));
    }

    @Test
    void aTokenScopedOnlyToTheApiWithTheBroadPatternIsRefusedOnTheNarrowerApisPath() {
        String scopedToB = tokenScopedTo(apiB);

        for (RunningGateway gateway : List.of(gatewayA, gatewayB)) {
            gateway.client()
                    .get()
                    .uri("/" + p + "/a/1")
                    .header("Authorization", scopedToB)
                    .exchange()
                    .expectStatus()
                    .isForbidden()
                    .expectBody()
                    .jsonPath("$.detail")
                    .isEqualTo("The token lacks the scope " + apiA + ":GET");
        }
        upstream.verify(0, anyRequestedFor(urlEqualTo("/" + p + "/a/1")));
        upstreamA.verify(0, anyRequestedFor(urlEqualTo("/" + p + "/a/1")));
        // B's broad pattern still takes what A's does not match.
        assertThat(status(gatewayA, "GET", "/" + p + "/other", scopedToB)).isEqualTo(200);
    }

    @Test
    void aTokenScopedToTheNarrowerApiReachesThatApisUpstream() {
        String scopedToA = tokenScopedTo(apiA);

        for (RunningGateway gateway : List.of(gatewayA, gatewayB)) {
            gateway.client()
                    .get()
                    .uri("/" + p + "/a/1")
                    .header("Authorization", scopedToA)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody()
                    .json("{\"from\":\"A\"}");
        }
        upstreamA.verify(2, getRequestedFor(urlEqualTo("/" + p + "/a/1")));
        upstream.verify(0, anyRequestedFor(urlEqualTo("/" + p + "/a/1")));
        // ...and nothing of B's.
        assertThat(status(gatewayA, "GET", "/" + p + "/other", scopedToA)).isEqualTo(403);
    }
}
