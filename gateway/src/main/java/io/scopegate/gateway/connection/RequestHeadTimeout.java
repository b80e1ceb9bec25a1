package io.scopegate.gateway.connection;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.netty.NettyPipeline;

/**
 * A request head (request line and headers) must be complete within {@code timeout} of its first
 * byte, or the connection is closed: a client that sends half a head, or dribbles it a byte at a
 * time, cannot hold a connection open. Reactor Netty has no such bound: its idle timeout is reset by
 * every byte, and its read and request timeouts start only once the head is complete.
 * <p>
 * Two handlers around the HTTP codec share one per-connection state: one before it sees bytes
 * arrive and starts the clock when they begin a new request (no message under way), one after it
 * sees the decoded head and stops the clock. A connection with nothing under way and nothing sent
 * is left to the idle timeout. Once the codec is gone (an upgrade to WebSocket) both step aside.
 */
final class RequestHeadTimeout {

    static final String BYTES = "scopegate.requestHeadBytes";
    static final String HEADS = "scopegate.requestHeads";

    private final long timeoutNanos;
    private final Counter timedOut;
    private ScheduledFuture<?> deadline;
    private boolean messageUnderWay;

    private RequestHeadTimeout(Duration timeout, Counter timedOut) {
        this.timeoutNanos = timeout.toNanos();
        this.timedOut = timedOut;
    }

    /** Puts both handlers around the pipeline's HTTP/1.1 codec; a pipeline without one is left alone. */
    static void install(ChannelPipeline pipeline, Duration timeout, Counter timedOut) {
        if (pipeline.get(NettyPipeline.HttpCodec) == null) {
            return;
        }
        RequestHeadTimeout state = new RequestHeadTimeout(timeout, timedOut);
        pipeline.addBefore(NettyPipeline.HttpCodec, BYTES, state.new Bytes());
        pipeline.addAfter(NettyPipeline.HttpCodec, HEADS, state.new Heads());
    }

    private void start(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> expire(ctx), timeoutNanos, TimeUnit.NANOSECONDS);
    }

    private void expire(ChannelHandlerContext ctx) {
        deadline = null;
        if (ctx.channel().isActive()) {
            timedOut.increment();
            ctx.close();
        }
    }

    private void stop() {
        if (deadline != null) {
            deadline.cancel(false);
            deadline = null;
        }
    }

    private void remove(ChannelPipeline pipeline) {
        stop();
        if (pipeline.get(BYTES) != null) {
            pipeline.remove(BYTES);
        }
        if (pipeline.get(HEADS) != null) {
            pipeline.remove(HEADS);
        }
    }

    /** Before the codec: bytes that arrive while no message is under way begin a request head. */
    private final class Bytes extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (deadline == null && !messageUnderWay && msg instanceof ByteBuf bytes && bytes.isReadable()) {
                if (ctx.pipeline().get(NettyPipeline.HttpCodec) == null) {
                    // Upgraded (WebSocket): no HTTP requests on this connection any more.
                    remove(ctx.pipeline());
                } else {
                    start(ctx);
                }
            }
            ctx.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            stop();
            ctx.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext ctx) {
            stop();
        }
    }

    /** After the codec: a decoded head stops the clock; a message is under way until its last content. */
    private final class Heads extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                stop();
                messageUnderWay = true;
            }
            if (msg instanceof LastHttpContent) {
                messageUnderWay = false;
            }
            ctx.fireChannelRead(msg);
        }
    }
}
