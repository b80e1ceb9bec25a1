package io.scopegate.gateway.connection;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.gateway.GatewaySettings;
import java.time.Duration;
import org.springframework.boot.reactor.netty.NettyReactiveWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.stereotype.Component;
import reactor.netty.http.HttpProtocol;
import reactor.netty.http.server.HttpServerConfig;

/**
 * Bounds how long the proxy port waits for clients and how many connections one address may hold
 * (security review, issue 14, finding 6: a half-sent request head and an idle keep-alive connection
 * were both still open after 75 s), with {@link ConnectionDeadlines} and {@link ConnectionsPerAddress}
 * on each new connection.
 * <p>
 * A port that speaks HTTP/1.1 only (Scopegate without TLS: the usual setup behind a load balancer)
 * keeps all three deadlines (head, body, idle) in {@link ConnectionDeadlines}, one timer per
 * connection: Reactor Netty's {@code idleTimeout} and {@code readTimeout} add and remove a handler
 * around every request, which cost ≈3 µs a request (bench/RESULTS.md). With HTTP/2 on (Scopegate's
 * TLS setup) the protocol is chosen by ALPN after the handshake, and HTTP/2 keeps its idle timeout on
 * the connection and its read timeout on each stream: there Reactor Netty's own timeouts stay, as
 * before, and the head deadline applies where an HTTP/1.1 codec is in the pipeline when the
 * connection opens (as before: so not on those TLS connections).
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
            boolean http11Only = isHttp11Only(server.configuration());
            Duration idle = settings.idleTimeout();
            Duration body = settings.requestBodyReadTimeout();
            if (!http11Only) {
                if (ConnectionSettings.on(idle)) {
                    server = server.idleTimeout(idle);
                }
                if (ConnectionSettings.on(body)) {
                    server = server.readTimeout(body);
                }
                idle = Duration.ZERO;
                body = Duration.ZERO;
            }
            Duration ownIdle = idle;
            Duration ownBody = body;
            return server.doOnChannelInit((observer, channel, remote) -> {
                if (perAddress != null) {
                    channel.pipeline().addFirst("scopegate.connectionsPerAddress", perAddress);
                }
                ConnectionDeadlines.install(
                        channel.pipeline(), settings.requestHeadTimeout(), ownBody, ownIdle, headTimeouts);
            });
        });
    }

    /**
     * Every connection of this server speaks HTTP/1.1 only, its codec in the pipeline from the start
     * (behind the TLS handler, if any). With HTTP/2 on (Scopegate's TLS setup) the codec is chosen
     * after the handshake.
     */
    static boolean isHttp11Only(HttpServerConfig config) {
        HttpProtocol[] protocols = config.protocols();
        return protocols.length == 1 && protocols[0] == HttpProtocol.HTTP11;
    }
}
