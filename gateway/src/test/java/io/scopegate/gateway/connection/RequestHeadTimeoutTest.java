package io.scopegate.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

/** The request-head deadline on a connection of its own, with Netty's embedded channel and its clock. */
@Tag("security")
class RequestHeadTimeoutTest {

    private final Counter timedOut = new SimpleMeterRegistry().counter("timeouts");
    private EmbeddedChannel channel;

    @BeforeEach
    void connect() {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());
        RequestHeadTimeout.install(channel.pipeline(), Duration.ofSeconds(10), timedOut);
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        Object decoded;
        while ((decoded = channel.readInbound()) != null) {
            ReferenceCountUtil.release(decoded);
        }
    }

    private void wait(Duration duration) {
        channel.advanceTimeBy(duration.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void halfARequestHeadIsClosedWhenTheTimeoutPasses() {
        send("GET /campaigns HTTP/1.1\r\nHost: gateway\r\n");
        wait(Duration.ofMillis(9_900));
        assertThat(channel.isActive()).isTrue();

        wait(Duration.ofMillis(200));

        assertThat(channel.isActive()).isFalse();
        assertThat(timedOut.count()).isEqualTo(1);
    }

    /** The idle timeout is reset by every byte; this deadline is not. */
    @Test
    void aHeadDribbledAByteAtATimeIsClosedToo() {
        for (char c : "GET /campaigns HTTP/1.1\r\nHost: gat".toCharArray()) {
            send(String.valueOf(c));
            wait(Duration.ofMillis(300));
        }
        assertThat(channel.isActive()).isFalse();
    }

    @Test
    void aCompleteHeadStopsTheClockAndAnIdleKeepAliveConnectionIsLeftToTheIdleTimeout() {
        send("GET /campaigns HTTP/1.1\r\nHost: gateway\r\n\r\n");
        wait(Duration.ofMinutes(5));
        assertThat(channel.isActive()).isTrue();

        send("POST /campaigns HTTP/1.1\r\nHost: gateway\r\nContent-Length: 10\r\n\r\n12345");
        wait(Duration.ofSeconds(20));
        assertThat(channel.isActive())
                .as("a body under way is the body read timeout's")
                .isTrue();
        send("67890");

        send("GET /camp");
        wait(Duration.ofSeconds(11));
        assertThat(channel.isActive()).as("the next request's head").isFalse();
        assertThat(timedOut.count()).isEqualTo(1);
    }

    @Test
    void aPipelineWithoutAnHttpCodecIsLeftAlone() {
        EmbeddedChannel other = new EmbeddedChannel();
        RequestHeadTimeout.install(other.pipeline(), Duration.ofSeconds(10), timedOut);
        assertThat(other.pipeline().get(RequestHeadTimeout.BYTES)).isNull();
        assertThat(other.pipeline().get(RequestHeadTimeout.HEADS)).isNull();
    }

    /** A WebSocket upgrade removes the codec: frames are no request heads. */
    @Test
    void onceTheCodecIsGoneBothHandlersStepAside() {
        send("GET /socket HTTP/1.1\r\nHost: gateway\r\nUpgrade: websocket\r\n\r\n");
        channel.pipeline().remove(NettyPipeline.HttpCodec);

        send("\u0081\u0005hello");
        wait(Duration.ofMinutes(1));

        assertThat(channel.isActive()).isTrue();
        assertThat(channel.pipeline().get(RequestHeadTimeout.BYTES)).isNull();
        assertThat(channel.pipeline().get(RequestHeadTimeout.HEADS)).isNull();
    }
}
