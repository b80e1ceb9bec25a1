package io.scopegate.gateway.auth;

import io.scopegate.gateway.http.Rejections;
import io.scopegate.gateway.observability.Outcome;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.netty.NettyInbound;
import reactor.netty.NettyPipeline;

/**
 * Spring Cloud Gateway's WebSocket handshake service (the one its {@code WebsocketRoutingFilter}
 * proxies through), with every tunnel it opens handed to {@link Tunnels}. The routing filter builds
 * its proxying handler inside; this is the one place that sees both the exchange (who, which API) and
 * the client-side session (what to close).
 */
final class TrackedWebSocketService implements WebSocketService {

    private final WebSocketService delegate;
    private final ObjectProvider<Tunnels> tunnels;

    TrackedWebSocketService(WebSocketService delegate, ObjectProvider<Tunnels> tunnels) {
        this.delegate = delegate;
        this.tunnels = tunnels;
    }

    @Override
    public Mono<Void> handleRequest(ServerWebExchange exchange, WebSocketHandler handler) {
        Tunnels registry = tunnels.getObject();
        Tunnels.Tunnel tunnel = registry.admit(exchange);
        if (tunnel == null) {
            // Fail closed: the access filter refuses upgrades it does not allow before they get here, so
            // this is a broken filter order; an untracked tunnel would outlive every revocation.
            Outcome.set(exchange, Outcome.WEBSOCKET_REFUSED);
            return Rejections.accessDenied(exchange);
        }
        reactor.netty.Connection[] client = {null};
        try {
            if (ServerHttpRequestDecorator.getNativeRequest(exchange.getRequest()) instanceof NettyInbound inbound) {
                inbound.withConnection(connection -> client[0] = connection);
            }
        } catch (IllegalStateException notOnNetty) {
            // A request with no server connection under it (a test's mock): nothing to lift.
        }
        return delegate.handleRequest(exchange, new TrackedHandler(handler, registry, tunnel, client[0]));
    }

    /** The proxying handler, run under the registry's watch; its sub-protocols are the client's. */
    private record TrackedHandler(
            WebSocketHandler proxying, Tunnels tunnels, Tunnels.Tunnel tunnel, reactor.netty.Connection client)
            implements WebSocketHandler {

        @Override
        public List<String> getSubProtocols() {
            return proxying.getSubProtocols();
        }

        @Override
        public Mono<Void> handle(WebSocketSession session) {
            if (client != null) {
                // The proxy port's body read timeout (connections.request-body-read-timeout) bounds a
                // request body; left in place it would cut a tunnel whose client is quiet that long.
                client.removeHandler(NettyPipeline.ReadTimeoutHandler);
            }
            return tunnels.carry(tunnel, session, Mono.defer(() -> proxying.handle(session)));
        }
    }
}
