package io.scopegate.gateway.connection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.gateway.GatewaySettings;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;

/**
 * Bounds how long the proxy port waits for clients and how many connections one address may hold
 * (security review, issue 14, finding 6: a half-sent request head and an idle keep-alive connection
 * were both still open after 75 s). Reactor Netty's own idle timeout and body read timeout, plus
 * {@link RequestHeadTimeout} and {@link ConnectionsPerAddress} on each new connection.
 * <p>
 * A customizer of the server factory rather than a {@code NettyServerCustomizer} bean: the management
 * server's factory (a child context) takes every {@code NettyServerCustomizer} of the parent too,
 * while factory customizers apply to their own context only. So health probes and scrapes keep their
 * own behaviour.
 */
@Component
class ProxyServerConnections implements WebServerFactoryCustomizer<NettyReactiveWebServerFactory> {

    private final ConnectionSettings settings;
    private final Counter headTimeouts;
    private final ConnectionsPerAddress perAddress;

    ProxyServerConnections(ConnectionSettings settings, GatewaySettings gateway, MeterRegistry registry) {
        this.settings = settings;
        this.headTimeouts = Counter.builder("scopegate.connections.request.head.timeouts")
                .description("Connections closed because a request head was not complete within request-head-timeout")
                .register(registry);
        Counter refused = Counter.builder("scopegate.connections.refused")
                .description("Connections closed at once because their address already held max-per-address")
                .register(registry);
        this.perAddress = settings.maxPerAddress() > 0
                ? new ConnectionsPerAddress(settings.maxPerAddress(), gateway.trustedProxies(), refused)
                : null;
    }

    @Override
    public void customize(NettyReactiveWebServerFactory factory) {
        factory.addServerCustomizers(server -> {
            if (ConnectionSettings.on(settings.idleTimeout())) {
                server = server.idleTimeout(settings.idleTimeout());
            }
            if (ConnectionSettings.on(settings.requestBodyReadTimeout())) {
                server = server.readTimeout(settings.requestBodyReadTimeout());
            }
            return server.doOnChannelInit((observer, channel, remote) -> {
                if (perAddress != null) {
                    channel.pipeline().addFirst("scopegate.connectionsPerAddress", perAddress);
                }
                if (ConnectionSettings.on(settings.requestHeadTimeout())) {
                    RequestHeadTimeout.install(channel.pipeline(), settings.requestHeadTimeout(), headTimeouts);
                }
            });
        });
    }
}
