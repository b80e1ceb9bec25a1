package io.scopegate.gateway.connection;

import io.micrometer.core.instrument.Counter;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.LastHttpContent;
import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import reactor.netty.NettyPipeline;

/**
 * The deadlines of one HTTP/1.1 connection, kept with one timer per connection instead of a timer (or a
 * handler added and removed) per request. Per request only the event loop's clock is read and a few
 * fields are written; the timer, when it fires, looks at what the connection is doing:
 * <ul>
 * <li>a request head under way since <i>t</i>: closed at <i>t</i> + {@code head} however the head is
 * dribbled, and counted (Reactor Netty has no such bound: its idle timeout is reset by every byte, its
 * read and request timeouts start only once the head is complete);
 * <li>a request body under way, last read at <i>t</i>: closed at <i>t</i> + {@code body} (what Reactor
 * Netty's {@code readTimeout} did);
 * <li>a response under way: nothing (the upstream's own timeouts bound it), also for a pipelined
 * request that arrived behind it, until that response is done;
 * <li>nothing under way since <i>t</i> (the connection opened, or the last response was written, or the
 * last byte read, whichever is later): closed at <i>t</i> + {@code idle} (what Reactor Netty's
 * {@code idleTimeout} did). A response still being flushed to a slow reader counts as under way.
 * </ul>
 * and closes the connection if its deadline passed, or fires again at that deadline, but never later
 * than the shortest of the three timeouts from now: a request that starts meanwhile cannot have an
 * earlier deadline than that, so no deadline is missed although nothing re-arms the timer per request.
 * A zero duration turns its deadline off.
 * <p>
 * Two handlers around the HTTP codec share the state: one before it sees bytes arrive (a new head
 * begins when no message is under way), one after it sees decoded requests and the responses written.
 * Once the codec is gone (an upgrade to WebSocket) both step aside at the next check: a tunnel is not
 * an HTTP/1.1 connection and keeps no deadline of ours (as before: Reactor Netty lifted its read
 * timeout once upgraded).
 */
final class ConnectionDeadlines {

    static final String BYTES = "scopegate.connectionBytes";
    static final String MESSAGES = "scopegate.connectionMessages";

    private final long headNanos;
    private final long bodyNanos;
    private final long idleNanos;
    /** The shortest timeout that is on: how far ahead the timer may be set without missing a deadline. */
    private final long checkNanos;

    private final Counter headTimeouts;

    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private long lastReadAt;
    private boolean headUnderWay;
    private long headStartedAt;
    private boolean bodyUnderWay;
    private int responsesPending;
    private long idleSince;

    private ConnectionDeadlines(Duration head, Duration body, Duration idle, Counter headTimeouts) {
        this.headNanos = nanosOrZero(head);
        this.bodyNanos = nanosOrZero(body);
        this.idleNanos = nanosOrZero(idle);
        this.checkNanos = shortestOn(headNanos, bodyNanos, idleNanos);
        this.headTimeouts = headTimeouts;
    }

    /**
     * Puts both handlers around the pipeline's HTTP/1.1 codec. A pipeline without one (TLS, where the
     * codec is chosen by ALPN after the handshake; HTTP/2) is left alone, as is one with every
     * deadline off.
     */
    static void install(ChannelPipeline pipeline, Duration head, Duration body, Duration idle, Counter headTimeouts) {
        if (pipeline.get(NettyPipeline.HttpCodec) == null
                || !(ConnectionSettings.on(head) || ConnectionSettings.on(body) || ConnectionSettings.on(idle))) {
            return;
        }
        ConnectionDeadlines deadlines = new ConnectionDeadlines(head, body, idle, headTimeouts);
        pipeline.addBefore(NettyPipeline.HttpCodec, BYTES, deadlines.new Bytes());
        pipeline.addAfter(NettyPipeline.HttpCodec, MESSAGES, deadlines.new Messages());
    }

    private long now() {
        return ctx.executor().ticker().nanoTime();
    }

    private void start(ChannelHandlerContext context) {
        if (ctx == null) {
            ctx = context;
            lastReadAt = now();
            idleSince = lastReadAt;
            arm(checkNanos);
        }
    }

    private void arm(long delayNanos) {
        timer = ctx.executor().schedule(this::check, delayNanos, TimeUnit.NANOSECONDS);
    }

    private void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void check() {
        timer = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        if (ctx.pipeline().get(NettyPipeline.HttpCodec) == null) {
            stepAside();
            return;
        }
        long now = now();
        long deadline = 0;
        boolean due = false;
        boolean headDeadline = false;
        if (behindAResponse()) {
            // The server reads no more until that response is done: the client is not the one stalling
            // (Reactor Netty's read timeout, too, started only when such a request's turn came).
        } else if (bodyUnderWay) {
            if (bodyNanos > 0) {
                deadline = lastReadAt + bodyNanos;
                due = true;
            }
        } else if (headUnderWay) {
            if (headNanos > 0) {
                deadline = headStartedAt + headNanos;
                due = true;
                headDeadline = true;
            }
            // Reactor Netty's idle timeout also ran while a head arrived (reset by each byte), unless a
            // response was under way; it matters only where the head timeout is off or longer.
            if (idleNanos > 0 && responsesPending == 0 && (!due || lastReadAt + idleNanos - deadline < 0)) {
                deadline = lastReadAt + idleNanos;
                due = true;
                headDeadline = false;
            }
        } else if (responsesPending == 0 && idleNanos > 0) {
            if (stillFlushing()) {
                idleSince = now;
            }
            deadline = Math.max(idleSince, lastReadAt) + idleNanos;
            due = true;
        }
        if (due && now - deadline >= 0) {
            if (headDeadline) {
                headTimeouts.increment();
            }
            ctx.close();
            return;
        }
        arm(due ? Math.min(deadline - now, checkNanos) : checkNanos);
    }

    /**
     * A pipelined request arrived behind a response still under way. A decoded head counts among the
     * pending responses; a head still arriving does not yet (the two are never under way together).
     */
    private boolean behindAResponse() {
        return bodyUnderWay ? responsesPending > 1 : headUnderWay && responsesPending > 0;
    }

    /** Response bytes not yet taken by the socket: the last write is not done, so the connection is not idle. */
    private boolean stillFlushing() {
        ChannelOutboundBuffer pending = ctx.channel().unsafe().outboundBuffer();
        return pending != null && pending.totalPendingWriteBytes() > 0;
    }

    private void stepAside() {
        stop();
        ChannelPipeline pipeline = ctx.pipeline();
        if (pipeline.get(BYTES) != null) {
            pipeline.remove(BYTES);
        }
        if (pipeline.get(MESSAGES) != null) {
            pipeline.remove(MESSAGES);
        }
    }

    private static long nanosOrZero(Duration timeout) {
        return ConnectionSettings.on(timeout) ? timeout.toNanos() : 0;
    }

    private static long shortestOn(long... timeouts) {
        long shortest = Long.MAX_VALUE;
        for (long timeout : timeouts) {
            if (timeout > 0) {
                shortest = Math.min(shortest, timeout);
            }
        }
        return shortest;
    }

    /** Before the codec: every read is the connection's latest; bytes with no message under way begin a head. */
    private final class Bytes extends ChannelInboundHandlerAdapter {

        @Override
        public void handlerAdded(ChannelHandlerContext context) {
            if (context.channel().isActive()) {
                start(context);
            }
        }

        @Override
        public void channelActive(ChannelHandlerContext context) {
            start(context);
            context.fireChannelActive();
        }

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (msg instanceof ByteBuf bytes && bytes.isReadable()) {
                lastReadAt = now();
                if (!headUnderWay && !bodyUnderWay) {
                    headUnderWay = true;
                    headStartedAt = lastReadAt;
                }
            }
            context.fireChannelRead(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            stop();
            context.fireChannelInactive();
        }

        @Override
        public void handlerRemoved(ChannelHandlerContext context) {
            stop();
        }
    }

    /**
     * After the codec: a decoded head ends the head and begins the body (until its last content) and
     * a response; the last content written ends the response. Interim responses (100 Continue, 101
     * Switching Protocols) end nothing.
     */
    private final class Messages extends ChannelDuplexHandler {

        @Override
        public void channelRead(ChannelHandlerContext context, Object msg) {
            if (msg instanceof HttpRequest) {
                headUnderWay = false;
                bodyUnderWay = true;
                responsesPending++;
            }
            if (msg instanceof LastHttpContent) {
                bodyUnderWay = false;
            }
            context.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext context, Object msg, ChannelPromise promise) {
            if (msg instanceof LastHttpContent && !isInterim(msg) && responsesPending > 0 && --responsesPending == 0) {
                idleSince = now();
            }
            context.write(msg, promise);
        }

        private static boolean isInterim(Object msg) {
            return msg instanceof HttpResponse response
                    && response.status().codeClass() == HttpStatusClass.INFORMATIONAL;
        }
    }
}
