package io.scopegate.bench;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/**
 * An open-loop load generator with a fixed arrival schedule (what wrk2 does; wrk2 is not packaged in
 * Debian): request k is due at {@code start + k / rate}, whatever happened to the earlier ones, and
 * its latency is counted from that due time, not from when a connection became free to send it. A
 * server that stalls therefore shows the stall in every request that was due during it (no
 * coordinated omission), instead of in the one request that was in flight.
 * <p>
 * Requests go over a fixed number of keep-alive HTTP/1.1 connections, one in flight per connection;
 * a due request with no free connection waits in a queue (its waiting counts). One Netty event loop
 * (epoll, whose timers have microsecond resolution) sends and receives; each request carries the next
 * of the Basic credentials given (one {@code sid:secret} a line), as bench/load.sh's wrk script does.
 * The first {@code --warmup} seconds are sent but not recorded.
 * <p>
 * {@code java -cp bench/jmh/target/benchmarks.jar io.scopegate.bench.PacedLoad --url http://127.0.0.1:8080/bench/item
 * --rate 2000 --duration 30 [--warmup 5] [--connections 32] [--credentials credentials.txt]}
 * <p>
 * Prints one line: {@code sent … completed … rate … non-2xx … errors … p50 … p90 … p99 … p99.9 … max …}
 * (milliseconds).
 */
public final class PacedLoad {

    private final URI url;
    private final double rate;
    private final long warmupNanos;
    private final long durationNanos;
    private final List<String> authorizations;
    private final Histogram latencyMicros = new Histogram(TimeUnit.SECONDS.toMicros(60), 3);
    private final ArrayDeque<Long> waiting = new ArrayDeque<>();
    private final ArrayDeque<Channel> idle = new ArrayDeque<>();
    private final CountDownLatch done = new CountDownLatch(1);
    private EventLoop loop;
    private long start;
    private long sent;
    private long completed;
    private long recordedCompleted;
    private long non2xx;
    private long errors;
    private int nextCredential;
    private boolean scheduleOver;

    private PacedLoad(URI url, double rate, long warmupNanos, long durationNanos, List<String> authorizations) {
        this.url = url;
        this.rate = rate;
        this.warmupNanos = warmupNanos;
        this.durationNanos = durationNanos;
        this.authorizations = authorizations;
    }

    public static void main(String[] args) throws Exception {
        String url = null;
        double rate = 1000;
        double duration = 30;
        double warmup = 5;
        int connections = 32;
        String credentials = null;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--url" -> url = args[i + 1];
                case "--rate" -> rate = Double.parseDouble(args[i + 1]);
                case "--duration" -> duration = Double.parseDouble(args[i + 1]);
                case "--warmup" -> warmup = Double.parseDouble(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--credentials" -> credentials = args[i + 1];
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        if (url == null) {
            throw new IllegalArgumentException("--url is required");
        }
        List<String> authorizations = new ArrayList<>();
        if (credentials != null) {
            for (String pair : Files.readAllLines(Path.of(credentials))) {
                if (!pair.isBlank()) {
                    authorizations.add("Basic "
                            + Base64.getEncoder().encodeToString(pair.strip().getBytes(StandardCharsets.UTF_8)));
                }
            }
        }
        PacedLoad load =
                new PacedLoad(URI.create(url), rate, (long) (warmup * 1e9), (long) (duration * 1e9), authorizations);
        System.out.println(load.run(connections));
    }

    private String run(int connections) throws Exception {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        MultiThreadIoEventLoopGroup group = new MultiThreadIoEventLoopGroup(1, io);
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(epoll ? EpollSocketChannel.class : NioSocketChannel.class)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel channel) {
                            channel.pipeline().addLast(new HttpClientCodec(), new Responses());
                        }
                    });
            int port = url.getPort() > 0 ? url.getPort() : 80;
            for (int i = 0; i < connections; i++) {
                idle.add(bootstrap.connect(url.getHost(), port).sync().channel());
            }
            loop = group.next();
            loop.execute(() -> {
                start = System.nanoTime();
                tick();
            });
            if (!done.await((long) ((warmupNanos + durationNanos) / 1e6) + 60_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("requests still in flight a minute after the schedule ended");
            }
            double seconds = durationNanos / 1e9;
            return String.format(
                    Locale.ROOT,
                    "sent %d completed %d rate %.1f/s (target %.1f) non-2xx %d errors %d"
                            + " p50 %.3f p90 %.3f p99 %.3f p99.9 %.3f max %.3f ms",
                    sent,
                    recordedCompleted,
                    recordedCompleted / seconds,
                    rate,
                    non2xx,
                    errors,
                    millis(50),
                    millis(90),
                    millis(99),
                    millis(99.9),
                    latencyMicros.getMaxValue() / 1000.0);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    private double millis(double percentile) {
        return latencyMicros.getValueAtPercentile(percentile) / 1000.0;
    }

    /** Sends every request due by now, then sleeps until the next one is due (on the event loop). */
    private void tick() {
        long now = System.nanoTime();
        long end = warmupNanos + durationNanos;
        while (true) {
            long due = start + (long) (sent * 1e9 / rate);
            if (due - start >= end) {
                scheduleOver = true;
                finishIfIdle();
                return;
            }
            if (due > now) {
                loop.schedule(this::tick, due - now, TimeUnit.NANOSECONDS);
                return;
            }
            sent++;
            Channel channel = idle.poll();
            if (channel != null) {
                send(channel, due);
            } else {
                waiting.add(due);
            }
        }
    }

    private void send(Channel channel, long due) {
        FullHttpRequest request = new DefaultFullHttpRequest(
                HttpVersion.HTTP_1_1, HttpMethod.GET, url.getRawPath(), Unpooled.EMPTY_BUFFER);
        request.headers().set(HttpHeaderNames.HOST, url.getHost() + ":" + url.getPort());
        if (!authorizations.isEmpty()) {
            request.headers().set(HttpHeaderNames.AUTHORIZATION, authorizations.get(nextCredential));
            nextCredential = (nextCredential + 1) % authorizations.size();
        }
        channel.attr(Due.KEY).set(due);
        channel.writeAndFlush(request).addListener(future -> {
            if (!future.isSuccess()) {
                System.err.println("write failed: " + future.cause());
            }
        });
    }

    private void completed(Channel channel, boolean ok) {
        Long due = channel.attr(Due.KEY).getAndSet(null);
        if (due == null) {
            return;
        }
        long now = System.nanoTime();
        completed++;
        if (due - start >= warmupNanos) {
            latencyMicros.recordValue(Math.min((now - due) / 1000, latencyMicros.getHighestTrackableValue()));
            recordedCompleted++;
            if (!ok) {
                non2xx++;
            }
        }
        Long next = waiting.poll();
        if (next != null) {
            send(channel, next);
        } else {
            idle.add(channel);
            finishIfIdle();
        }
    }

    private void finishIfIdle() {
        if (scheduleOver && completed == sent) {
            done.countDown();
        }
    }

    private static final class Due {
        static final io.netty.util.AttributeKey<Long> KEY = io.netty.util.AttributeKey.valueOf("paced-load-due");
    }

    private final class Responses extends SimpleChannelInboundHandler<HttpObject> {

        private boolean ok;

        @Override
        protected void channelRead0(ChannelHandlerContext context, HttpObject message) {
            if (message instanceof HttpResponse response) {
                ok = response.status().code() / 100 == 2;
            }
            if (message instanceof LastHttpContent) {
                completed(context.channel(), ok);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext context, Throwable cause) {
            errors++;
            context.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext context) {
            // A request in flight on a closed connection is counted as an error and as done, so the run ends.
            Long due = context.channel().attr(Due.KEY).getAndSet(null);
            idle.remove(context.channel());
            if (due != null) {
                errors++;
                completed++;
                finishIfIdle();
            }
        }
    }
}
