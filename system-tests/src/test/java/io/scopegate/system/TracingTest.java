package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** OpenTelemetry tracing: off by default, and when switched on, spans exported and the trace carried upstream. */
class TracingTest extends SystemTest {

    @Test
    void offByDefaultNoTraceContextReachesTheUpstream() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");

        gatewayA.client()
                .get()
                .uri("/" + api + "/untraced")
                .header("Authorization", basic((String) token.get("sid"), (String) token.get("authToken")))
                .exchange()
                .expectStatus()
                .isOk();

        upstream.verify(getRequestedFor(urlEqualTo("/" + api + "/untraced")).withoutHeader("traceparent"));
    }

    @Test
    void switchedOnEachRequestIsTracedAndItsSpansExported() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        upstream.stubFor(
                post(urlPathEqualTo("/v1/traces")).willReturn(aResponse().withStatus(200)));

        try (RunningGateway traced = system.startGateway(Map.of(
                "scopegate.tracing.enabled",
                "true",
                "management.tracing.sampling.probability",
                "1.0",
                "management.opentelemetry.tracing.export.schedule-delay",
                "200ms",
                "management.opentelemetry.tracing.export.otlp.endpoint",
                "http://localhost:" + upstream.port() + "/v1/traces"))) {
            awaitRouted(api, traced);
            traced.client()
                    .get()
                    .uri("/" + api + "/traced")
                    .header("Authorization", basic((String) token.get("sid"), (String) token.get("authToken")))
                    .exchange()
                    .expectStatus()
                    .isOk();

            upstream.verify(getRequestedFor(urlEqualTo("/" + api + "/traced"))
                    .withHeader("traceparent", matching("00-[0-9a-f]{32}-[0-9a-f]{16}-01")));
            // A client's trace continues through the gateway.
            String clientTrace = "4bf92f3577b34da6a3ce929d0e0e4736";
            traced.client()
                    .get()
                    .uri("/" + api + "/continued")
                    .header("Authorization", basic((String) token.get("sid"), (String) token.get("authToken")))
                    .header("traceparent", "00-" + clientTrace + "-00f067aa0ba902b7-01")
                    .exchange()
                    .expectStatus()
                    .isOk();
            upstream.verify(getRequestedFor(urlEqualTo("/" + api + "/continued"))
                    .withHeader("traceparent", matching("00-" + clientTrace + "-[0-9a-f]{16}-01")));
            // The batch exporter sends within its schedule delay (5 s by default).
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> upstream.verify(postRequestedFor(urlEqualTo("/v1/traces"))
                            .withHeader("Content-Type", equalTo("application/x-protobuf"))));
        }
    }
}
