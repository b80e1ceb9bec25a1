package io.scopegate.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.token.TestTokens;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.reactor.netty.NettyServerCustomizer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerConfig;

/** What the proxy port's server is configured with; the behaviour itself is tested with raw sockets in system-tests. */
class ProxyServerConnectionsTest {

    private HttpServerConfig configured(ConnectionSettings settings) {
        NettyReactiveWebServerFactory factory = new NettyReactiveWebServerFactory();
        new ProxyServerConnections(settings, TestTokens.SETTINGS, new SimpleMeterRegistry()).customize(factory);
        HttpServer server = HttpServer.create();
        for (NettyServerCustomizer customizer : factory.getServerCustomizers()) {
            server = customizer.apply(server);
        }
        return server.configuration();
    }

    @Test
    void idleAndBodyReadTimeoutsAreReactorNettys() {
        HttpServerConfig config = configured(
                new ConnectionSettings(Duration.ofSeconds(60), Duration.ofSeconds(10), Duration.ofSeconds(30), 256));

        assertThat(config.idleTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(config.readTimeout()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void zeroTurnsATimeoutOff() {
        HttpServerConfig config = configured(new ConnectionSettings(Duration.ZERO, Duration.ZERO, Duration.ZERO, 0));

        assertThat(config.idleTimeout()).isNull();
        assertThat(config.readTimeout()).isNull();
    }
}
