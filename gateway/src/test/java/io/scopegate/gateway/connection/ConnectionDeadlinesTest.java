package io.scopegate.gateway.connection;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.netty.NettyPipeline;

/**
 * Each deadline of a connection, on Netty's embedded channel with its clock: head 10 s, body read 30 s,
 * idle 60 s (the defaults) unless a test says otherwise.
 */
@Tag("security")
class ConnectionDeadlinesTest {

    private static final Duration HEAD = Duration.ofSeconds(10);
    private static final Duration BODY = Duration.ofSeconds(30);
    private static final Duration IDLE = Duration.ofSeconds(60);

    private final Counter headTimeouts = new SimpleMeterRegistry().counter("timeouts");
    private EmbeddedChannel channel;

    private void connect(Duration head, Duration body, Duration idle) {
        channel = new EmbeddedChannel();
        channel.freezeTime();
        channel.pipeline().addLast(NettyPipeline.HttpCodec, new HttpServerCodec());
        ConnectionDeadlines.install(channel.pipeline(), head, body, idle, headTimeouts);
    }

    private void connect() {
        connect(HEAD, BODY, IDLE);
    }

    private void send(String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.ISO_8859_1));
        Object decoded;
        while ((decoded = channel.readInbound()) != null) {
            ReferenceCountUtil.release(decoded);
        }
    }

    private void respond(HttpResponseStatus status) {
        channel.writeOutbound(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status));
        channel.releaseOutbound();
    }

    private void wait(Duration duration) {
        channel.advanceTimeBy(duration.toMillis(), TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    /** Waits in steps of at most a second, as a real clock would pass, so every check in between runs. */
    private void waitStepwise(Duration duration) {
        for (long left = duration.toMillis(); left > 0; left -= 1_000) {
            wait(Duration.ofMillis(Math.min(left, 1_000)));
        }
    }

    /** The connection is still open just before {@code duration} from now, and closed just after. */
    private void assertClosedAfter(Duration duration) {
        waitStepwise(duration.minusMillis(100));
        assertThat(channel.isActive()).as("open until " + duration).isTrue();
        wait(Duration.ofMillis(200));
        assertThat(channel.isActive()).as("closed after " + duration).isFalse();
    }

    @Test
    void halfARequestHeadIsClosedWhenTheHeadTimeoutPasses() {
        connect();
        send("GET /campaigns HTTP/1.1\r\nHost: gateway\r\n");

        assertClosedAfter(HEAD);
        assertThat(headTimeouts.count()).isEqualTo(1);
    }

    /** The idle timeout was reset by every byte; this deadline is not. */
    @Test
    void aHeadDribbledAByteAtATimeIsClosedToo() {
        connect();
        for (char c : "GET /campaigns HTTP/1.1\r\nHost: gat".toCharArray()) {
            send(String.valueOf(c));
            wait(Duration.ofMillis(300));
        }
        assertThat(channel.isActive()).isFalse();
        assertThat(headTimeouts.count()).isEqualTo(1);
    }

    /** Nothing re-arms the timer per request: a head that begins just after a check is still closed on time. */
    @Test
    void aHeadThatBeginsLongAfterTheConnectionOpenedGetsItsFullDeadlineAndNoMore() {
        connect();
        wait(Duration.ofSeconds(45));
        send("GET /campaigns HTTP/1.1\r\n");

        assertClosedAfter(HEAD);
        assertThat(headTimeouts.count()).isEqualTo(1);
    }

    @Test
    void aStalledRequestBodyIsClosedAfterTheBodyReadTimeout() {
        connect();
        send("POST /campaigns HTTP/1.1\r\nHost: gateway\r\nContent-Length: 10\r\n\r\n12345");
        waitStepwise(Duration.ofSeconds(29));
        send("6");

        assertClosedAfter(BODY);
        assertThat(headTimeouts.count()).as("not a head timeout").isZero();
    }

    @Test
    void aCompleteBodyEndsTheBodyDeadlineAndASlowResponseIsNotCut() {
        connect();
        send("POST /campaigns HTTP/1.1\r\nHost: gateway\r\nContent-Length: 10\r\n\r\n1234567890");

        waitStepwise(Duration.ofMinutes(3));
        assertThat(channel.isActive())
                .as("a response under way has no deadline")
                .isTrue();

        respond(HttpResponseStatus.OK);

        assertClosedAfter(IDLE);
        assertThat(headTimeouts.count()).isZero();
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() {
        connect();
        send("GET /campaigns HTTP/1.1\r\nHost: gateway\r\n\r\n");
        respond(HttpResponseStatus.OK);

        assertClosedAfter(IDLE);
        assertThat(headTimeouts.count()).isZero();
    }

    @Test
    void aConnectionThatNeverSendsAByteIsClosedAfterTheIdleTimeout() {
        connect();

        assertClosedAfter(IDLE);
        assertThat(headTimeouts.count()).isZero();
    }

    @Test
    void aKeepAliveConnectionInUseStaysOpenAndEachRequestGetsItsOwnDeadlines() {
        connect();
        for (int i = 0; i < 10; i++) {
            send("GET /campaigns HTTP/1.1\r\nHost: gateway\r\n\r\n");
            waitStepwise(Duration.ofSeconds(20));
            respond(HttpResponseStatus.OK);
            waitStepwise(Duration.ofSeconds(50));
        }
        assertThat(channel.isActive()).isTrue();

        send("GET /camp");

        assertClosedAfter(HEAD);
        assertThat(headTimeouts.count()).as("the next request's head").isEqualTo(1);
    }

    /** 100 Continue is not the response: the body that follows it is still bounded, the response unbounded. */
    @Test
    void anInterimResponseEndsNothing() {
        connect();
        send("POST /campaigns HTTP/1.1\r\nHost: gateway\r\nContent-Length: 2\r\nExpect: 100-continue\r\n\r\n");
        respond(HttpResponseStatus.CONTINUE);
        send("ok");
        waitStepwise(Duration.ofMinutes(2));

        assertThat(channel.isActive())
                .as("the final response is still under way")
                .isTrue();
    }

    @Test
    void withTheHeadTimeoutOffAStalledHeadIsLeftToTheIdleTimeoutWhichEachByteResets() {
        connect(Duration.ZERO, BODY, IDLE);
        send("GET /campaigns HTTP/1.1\r\n");
        waitStepwise(Duration.ofSeconds(50));
        send("Host: gateway\r\n");

        assertClosedAfter(IDLE);
        assertThat(headTimeouts.count()).isZero();
    }

    @Test
    void zeroTurnsEachDeadlineOff() {
        connect(Duration.ZERO, Duration.ZERO, IDLE);
        send("POST /campaigns HTTP/1.1\r\nContent-Length: 10\r\n\r\n1");
        waitStepwise(Duration.ofMinutes(3));
        assertThat(channel.isActive()).as("no body read timeout").isTrue();

        connect(HEAD, BODY, Duration.ZERO);
        waitStepwise(Duration.ofMinutes(3));
        assertThat(channel.isActive()).as("no idle timeout").isTrue();
    }

    @Test
    void aPipelineWithoutAnHttpCodecOrWithEveryDeadlineOffIsLeftAlone() {
        EmbeddedChannel other = new EmbeddedChannel();
        ConnectionDeadlines.install(other.pipeline(), HEAD, BODY, IDLE, headTimeouts);
        assertThat(other.pipeline().get(ConnectionDeadlines.BYTES)).isNull();

        connect(Duration.ZERO, Duration.ZERO, Duration.ZERO);
        assertThat(channel.pipeline().get(ConnectionDeadlines.BYTES)).isNull();
        assertThat(channel.pipeline().get(ConnectionDeadlines.MESSAGES)).isNull();
    }

    /** No per-request handler: the pipeline holds the same handlers before, during and after requests. */
    @Test
    void requestsAddNoHandlers() {
        connect();
        var before = channel.pipeline().names();
        send("POST /campaigns HTTP/1.1\r\nHost: gateway\r\nContent-Length: 10\r\n\r\n12345");
        assertThat(channel.pipeline().names()).isEqualTo(before);
        send("67890");
        respond(HttpResponseStatus.OK);
        assertThat(channel.pipeline().names()).isEqualTo(before);
        assertThat(channel.pipeline().get(IdleStateHandler.class)).isNull();
    }

    /** A WebSocket upgrade removes the codec: frames are no request heads, and a quiet tunnel stays up. */
    @Test
    void onceTheCodecIsGoneBothHandlersStepAside() {
        connect();
        send("GET /socket HTTP/1.1\r\nHost: gateway\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n");
        respond(HttpResponseStatus.SWITCHING_PROTOCOLS);
        channel.pipeline().remove(NettyPipeline.HttpCodec);

        send("\u0081\u0005hello");
        waitStepwise(Duration.ofMinutes(5));

        assertThat(channel.isActive()).isTrue();
        assertThat(channel.pipeline().get(ConnectionDeadlines.BYTES)).isNull();
        assertThat(channel.pipeline().get(ConnectionDeadlines.MESSAGES)).isNull();
        assertThat(headTimeouts.count()).isZero();
    }

    /** Review: a pipelined request's body behind a long response is not the client's stall; after it, it is. */
    @Test
    void aPipelinedRequestBehindALongResponseWaitsForItsTurnBeforeItsBodyDeadline() {
        connect();
        send("GET /download HTTP/1.1\r\nHost: x\r\n\r\n"
                + "POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc");

        waitStepwise(BODY.plusSeconds(30));
        assertThat(channel.isActive())
                .as("the download is still being answered")
                .isTrue();

        respond(HttpResponseStatus.OK);
        // Now the upload's turn: its last read was a minute ago, so the next check closes it.
        waitStepwise(HEAD);
        assertThat(channel.isActive()).isFalse();
        assertThat(headTimeouts.count()).isZero();
    }
}
