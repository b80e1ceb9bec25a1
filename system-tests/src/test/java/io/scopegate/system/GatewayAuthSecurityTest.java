package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

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
