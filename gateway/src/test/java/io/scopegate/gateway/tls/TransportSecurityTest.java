package io.scopegate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;

import io.scopegate.gateway.GatewaySettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class TransportSecurityTest {

    private static GatewaySettings gateway(String... trustedProxies) {
        return new GatewaySettings(
                100,
                List.of(trustedProxies),
                Duration.ofMinutes(5),
                Duration.ofSeconds(2),
                Duration.ofMillis(250),
                1000);
    }

    private static TransportSecurity security(Boolean requireTls, MockEnvironment environment, String... proxies) {
        return new TransportSecurity(new TransportSettings(requireTls, Map.of()), gateway(proxies), environment);
    }

    private static MockServerHttpRequest.BaseBuilder<?> from(String peer) {
        return MockServerHttpRequest.get("/api/x")
                .header("Authorization", "Basic c2lkOnNlY3JldA==")
                .remoteAddress(new InetSocketAddress(peer, 40000));
    }

    @Test
    void aGatewayWithItsOwnCertificateRequiresTlsUnlessToldOtherwise() {
        MockEnvironment serving = new MockEnvironment().withProperty("server.ssl.bundle", "scopegate-server");

        assertThat(security(null, serving).refuses(from("203.0.113.5").build())).isTrue();
        assertThat(security(null, serving)
                        .refuses(
                                from("203.0.113.5").sslInfo(mock(SslInfo.class)).build()))
                .isFalse();
        assertThat(security(false, serving).refuses(from("203.0.113.5").build()))
                .isFalse();
        // A plain gateway requires nothing unless asked (a trusted proxy may terminate TLS for it).
        assertThat(security(null, new MockEnvironment())
                        .refuses(from("203.0.113.5").build()))
                .isFalse();
    }

    @Test
    void behindATrustedProxyItsForwardedProtoDecides() {
        TransportSecurity security = security(true, new MockEnvironment(), "10.0.0.0/24");

        assertThat(security.refuses(
                        from("10.0.0.7").header("X-Forwarded-Proto", "https").build()))
                .isFalse();
        assertThat(security.refuses(
                        from("10.0.0.7").header("X-Forwarded-Proto", "http").build()))
                .isTrue();
        assertThat(security.refuses(from("10.0.0.7").build())).isTrue();
        // The nearest proxy's word is the last one; a client's own "https" before it counts for nothing.
        assertThat(security.refuses(from("10.0.0.7")
                        .header("X-Forwarded-Proto", "https, http")
                        .build()))
                .isTrue();
    }

    @Test
    void anyoneElsesForwardedProtoIsIgnored() {
        TransportSecurity security = security(true, new MockEnvironment(), "10.0.0.0/24");

        assertThat(security.refuses(
                        from("203.0.113.5").header("X-Forwarded-Proto", "https").build()))
                .isTrue();
        assertThat(security(true, new MockEnvironment())
                        .refuses(from("10.0.0.7")
                                .header("X-Forwarded-Proto", "https")
                                .build()))
                .isTrue();
    }

    @Test
    void aGatewayThatWouldBelieveAnyonesForwardingHeadersDoesNotStart() {
        MockEnvironment nativeHandling =
                new MockEnvironment().withProperty("server.forward-headers-strategy", "native");

        assertThatThrownBy(() -> security(true, nativeHandling))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("trusted-proxies");
    }
}
