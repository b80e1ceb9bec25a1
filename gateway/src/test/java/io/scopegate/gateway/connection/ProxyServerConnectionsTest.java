package io.scopegate.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.token.TestTokens;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerConfig;

/**
 * What the proxy port's server is configured with; the deadlines themselves are tested on an embedded
 * channel ({@link ConnectionDeadlinesTest}) and with raw sockets in system-tests.
 */
class ProxyServerConnectionsTest {

    private static final ConnectionSettings DEFAULTS =
            new ConnectionSettings(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30), 256);

    private HttpServerConfig configured(HttpServer server, ConnectionSettings settings) {
        NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
        new ProxyServerConnections(settings, TestTokens.SETTINGS, new SimpleMeterRegistry()).customize(factory);
        for (NettyServerCustomizer customizer : factory.getServerCustomizers()) {
            server = customizer.apply(server);
        }
        return server.configuration();
    }

    /** Reactor Netty's timeouts add and remove a handler around every request; ours keep one timer per connection. */
    @Test
    void anHttp11OnlyPortLeavesIdleAndBodyReadTimeoutsToTheConnectionsOwnDeadlines() {
        HttpServerConfig config = configured(HttpServer.create(), DEFAULTS);

        assertThat(ProxyServerConnections.isHttp11Only(config)).isTrue();
        assertThat(config.idleTimeout()).isNull();
        assertThat(config.readTimeout()).isNull();
    }

    /** HTTP/2 keeps its idle timeout on the connection and its read timeout per stream: Reactor Netty's. */
    @Test
    void aPortThatMaySpeakHttp2KeepsReactorNettysTimeouts() {
        HttpServerConfig config =
                configured(HttpServer.create().protocol(HttpProtocol.H2C, HttpProtocol.HTTP11), DEFAULTS);

        assertThat(ProxyServerConnections.isHttp11Only(config)).isFalse();
        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void zeroTurnsATimeoutOff() {
        HttpServerConfig config = configured(
                HttpServer.create().protocol(HttpProtocol.H2C, HttpProtocol.HTTP11),
                new ConnectionSettings(Duration.ZERO, Duration.ZERO, Duration.ZERO, 0));

        assertThat(config.idleTimeout()).isNull();
        assertThat(config.readTimeout()).isNull();
    }
}
