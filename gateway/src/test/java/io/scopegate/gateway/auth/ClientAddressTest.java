package io.scopegate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.gateway.GatewaySettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

/** Whose failures the throttle counts: a client must not talk its way past the proxy that saw it. */
class ClientAddressTest {

    private final ClientAddress addresses = new ClientAddress(new GatewaySettings(
            100, List.of("10.0.0.0/8"), Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMillis(250), 1000));

    private String resolve(String peer, String... forwardedFor) {
        MockServerHttpRequest.BaseBuilder<?> request =
                MockServerHttpRequest.get("/campaigns").remoteAddress(new InetSocketAddress(peer, 40000));
        if (forwardedFor.length > 0) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return addresses.resolve(request.build());
    }

    @Test
    void anUntrustedPeerIsTheClientWhateverItForwards() {
        assertThat(resolve("203.0.113.9", "198.51.100.1")).isEqualTo("203.0.113.9");
    }

    @Test
    void behindTrustedProxiesTheRightmostUntrustedHopIsTheClient() {
        assertThat(resolve("10.0.0.2", "198.51.100.1, 203.0.113.7, 10.1.1.1")).isEqualTo("203.0.113.7");
        assertThat(resolve("10.0.0.2", "198.51.100.1", "203.0.113.7")).isEqualTo("203.0.113.7");
    }

    @Test
    void aHopThatIsNotAnIpLiteralEndsTheWalk() {
        assertThat(resolve("10.0.0.2", "203.0.113.7, evil.example")).isEqualTo("10.0.0.2");
        assertThat(resolve("10.0.0.2", "203.0.113.7, 10.1.1.1, unknown")).isEqualTo("10.0.0.2");
    }

    @Test
    void onlyTrustedHopsMeansTheFarthestOfThem() {
        assertThat(resolve("10.0.0.2", "10.3.3.3")).isEqualTo("10.3.3.3");
        assertThat(resolve("10.0.0.2")).isEqualTo("10.0.0.2");
    }
}
