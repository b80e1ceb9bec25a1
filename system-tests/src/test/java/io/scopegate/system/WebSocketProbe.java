package io.scopegate.system;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.netty.http.client.HttpClient;

/**
 * A WebSocket client (Reactor Netty) held open by a test: it sends text messages when told, keeps what
 * comes back, and records how the socket ended — the close status the gateway sent, or the status of a
 * refused handshake.
 */
final class WebSocketProbe implements AutoCloseable {

    private final Sinks.Many<String> outgoing = Sinks.many().unicast().onBackpressureBuffer();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final AtomicReference<WebSocketCloseStatus> closeStatus = new AtomicReference<>();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Sinks.One<Boolean> connected = Sinks.one();
    private final Disposable connection;

    private WebSocketProbe(RunningGateway gateway, String path, String authorization) {
        connection = HttpClient.create()
                .headers(headers -> {
                    if (authorization != null) {
                        headers.set(HttpHeaderNames.AUTHORIZATION, authorization);
                    }
                })
                .websocket()
                .uri("ws://localhost:" + gateway.port() + path)
                .handle((in, out) -> {
                    connected.tryEmitValue(true);
                    in.receiveCloseStatus().subscribe(closeStatus::set);
                    Mono<Void> reading = in.aggregateFrames()
                            .receive()
                            .asString()
                            .doOnNext(received::add)
                            .then();
                    return Mono.when(out.sendString(outgoing.asFlux()).then(), reading);
                })
                .subscribe(null, error -> {
                    failure.set(error);
                    connected.tryEmitValue(false);
                });
    }

    /** Opens a socket through the gateway; {@link #connected()} says whether the handshake was accepted. */
    static WebSocketProbe open(RunningGateway gateway, String path, String authorization) {
        return new WebSocketProbe(gateway, path, authorization);
    }

    /** Whether the handshake was accepted (waits for it, bounded). */
    boolean connected() {
        return Boolean.TRUE.equals(connected.asMono().block(Duration.ofSeconds(10)));
    }

    /** The HTTP status of a refused handshake. */
    int refusedWith() {
        if (connected()) {
            throw new IllegalStateException("the handshake was accepted");
        }
        return ((WebSocketClientHandshakeException) failure.get())
                .response()
                .status()
                .code();
    }

    void send(String text) {
        outgoing.tryEmitNext(text);
    }

    /** The next message received, waiting at most the given time; null if none came. */
    String next(Duration within) throws InterruptedException {
        return received.poll(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Sends a message and returns the answer (null if none came within 5 s). */
    String roundTrip(String text) throws InterruptedException {
        send(text);
        return next(Duration.ofSeconds(5));
    }

    /** The close status the other side sent, null while the socket is open. */
    WebSocketCloseStatus closeStatus() {
        return closeStatus.get();
    }

    @Override
    public void close() {
        outgoing.tryEmitComplete();
        connection.dispose();
    }
}
