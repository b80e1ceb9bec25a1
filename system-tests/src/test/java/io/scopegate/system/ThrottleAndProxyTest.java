package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Failed authentications per client address, decided before any lookup; trusted proxies name the client. */
@Tag("security")
class ThrottleAndProxyTest extends SystemTest {

    @Test
    void anAddressThatKeepsFailingGets429UntilItsBudgetRefills() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        String good = basic((String) token.get("sid"), (String) token.get("authToken"));
        String bad = basic((String) token.get("sid"), "sgt_00000000000000000000000000000007zifQ");
        try (RunningGateway gateway = system.startGateway(Map.of("scopegate.gateway.auth-failures-per-minute", "5"))) {
            awaitReady(gateway);
            for (int i = 0; i < 4; i++) {
                assertThat(status(gateway, "GET", "/" + api + "/x", bad)).isEqualTo(403);
            }
            assertThat(status(gateway, "GET", "/" + api + "/x", good)).isEqualTo(200);
            assertThat(status(gateway, "GET", "/" + api + "/x", bad)).isEqualTo(403);
            gateway.client()
                    .get()
                    .uri("/" + api + "/x")
                    .header("Authorization", good)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(429)
                    .expectHeader()
                    .valueMatches("Retry-After", "[1-9][0-9]*");
        }
    }

    @Test
    void behindATrustedProxyEachForwardedClientHasItsOwnBudgetAndAllowList() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> office = createToken(
                account,
                Map.of(
                        "name",
                        "office",
                        "allowedIps",
                        java.util.List.of("198.51.100.0/24"),
                        "scopes",
                        java.util.List.of(Map.of("api", api, "methods", java.util.List.of("GET")))));
        String officeAuth = basic((String) office.get("sid"), (String) office.get("authToken"));
        String bad = basic((String) office.get("sid"), "sgt_00000000000000000000000000000007zifQ");
        try (RunningGateway gateway = system.startGateway(Map.of(
                "scopegate.gateway.auth-failures-per-minute", "2",
                "scopegate.gateway.trusted-proxies", "127.0.0.1/32,::1/128"))) {
            awaitReady(gateway);
            assertThat(forwardedStatus(gateway, api, officeAuth, "198.51.100.7"))
                    .isEqualTo(200);
            assertThat(forwardedStatus(gateway, api, officeAuth, "203.0.113.9"))
                    .as("outside the allow-list")
                    .isEqualTo(403);
            assertThat(forwardedStatus(gateway, api, bad, "203.0.113.50")).isEqualTo(403);
            assertThat(forwardedStatus(gateway, api, bad, "203.0.113.50")).isEqualTo(403);
            assertThat(forwardedStatus(gateway, api, bad, "203.0.113.50")).isEqualTo(429);
            assertThat(forwardedStatus(gateway, api, officeAuth, "198.51.100.7"))
                    .as("another client is unaffected")
                    .isEqualTo(200);
            assertThat(forwardedStatus(gateway, api, officeAuth, "198.51.100.7, 203.0.113.50"))
                    .as("right-most untrusted hop counts")
                    .isEqualTo(429);
        }
    }

    private static int forwardedStatus(RunningGateway gateway, String api, String auth, String forwardedFor) {
        return gateway.client()
                .get()
                .uri("/" + api + "/x")
                .header("Authorization", auth)
                .header("X-Forwarded-For", forwardedFor)
                .exchange()
                .returnResult(String.class)
                .getStatus()
                .value();
    }
}
