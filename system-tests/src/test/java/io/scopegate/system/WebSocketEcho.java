package io.scopegate.system;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.websocket.WebsocketInbound;
import reactor.netty.http.websocket.WebsocketOutbound;

/**
 * A WebSocket upstream (WireMock does not do WebSockets): Reactor Netty, answering each text message
 * with {@code echo:<text>}; a plain request gets 200 {@code plain}. It remembers every handshake's headers and counts the sockets open now,
 * so a test sees both what the gateway forwarded and that a tunnel was closed on this side too.
 */
final class WebSocketEcho implements AutoCloseable {

    final Queue<HttpHeaders> handshakes = new ConcurrentLinkedQueue<>();
    final AtomicInteger open = new AtomicInteger();
    private final DisposableServer server;

    WebSocketEcho() {
        server = HttpServer.create()
                .host("localhost")
                .port(0)
                .handle((request, response) -> {
                    if (!request.requestHeaders().contains(HttpHeaderNames.UPGRADE)) {
                        return response.sendString(Mono.just("plain")).then();
                    }
                    handshakes.add(request.requestHeaders().copy());
                    return response.sendWebsocket((in, out) -> echo(in, out));
                })
                .bindNow(Duration.ofSeconds(10));
    }

    private Publisher<Void> echo(WebsocketInbound in, WebsocketOutbound out) {
        open.incrementAndGet();
        return out.sendString(in.aggregateFrames().receive().asString().map(text -> "echo:" + text))
                .then()
                .doFinally(signal -> open.decrementAndGet());
    }

    String url() {
        return "http://localhost:" + server.port();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }
}
