package io.scopegate.system;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * A steady, bounded load of requests through the gateways: {@code rate} requests a second on a fixed
 * schedule, round-robin over the gateways and over the tokens, at most {@code maxInFlight} at once
 * (a tick beyond that is skipped and counted, never queued). Each answer is counted in the window that
 * was open when the request was sent, by the token's state at that moment: live, being revoked (the
 * disable was issued, not yet seen applied everywhere) or revoked (applied on every gateway).
 * Every 2xx any request of this class saw, the test's own probes included, is also counted in
 * {@link #allowedSeen}: the usage the gateways must write, exactly.
 * <p>
 * Plain JDK HTTP client threads: the load is the outside world, not the code BlockHound watches.
 */
final class ChaosLoad implements AutoCloseable {

    /** A token the load or the probes use, and when its revocation was seen applied everywhere. */
    static final class LoadToken {
        final String name;
        final String sid;
        final String authorization;
        private final String secret;
        private volatile long revokingSince = Long.MAX_VALUE;
        private volatile long revokedSince = Long.MAX_VALUE;

        LoadToken(String name, String sid, String secret) {
            this.name = name;
            this.sid = sid;
            this.secret = secret;
            this.authorization = "Basic "
                    + Base64.getEncoder().encodeToString((sid + ":" + secret).getBytes(StandardCharsets.UTF_8));
        }

        /**
         * Credentials no store has: a well-formed secret (this one's) under a new random SID, so a
         * gateway must look it up; a 403 once the store answers, a 503 while it does not.
         */
        LoadToken stranger() {
            String random = UUID.randomUUID().toString().replace("-", "");
            return new LoadToken("unknown", "ST" + random, secret);
        }

        /** The disable was issued at this System.nanoTime(). */
        void revoking(long nanos) {
            revokingSince = Math.min(revokingSince, nanos);
        }

        /** Every gateway was seen refusing it at this System.nanoTime(): no 2xx for a request sent later. */
        void revoked(long nanos) {
            revokedSince = Math.min(revokedSince, nanos);
            revoking(nanos);
        }

        boolean revokedAt(long nanos) {
            return nanos >= revokedSince;
        }

        Kind kindAt(long nanos) {
            if (nanos >= revokedSince) {
                return Kind.REVOKED;
            }
            return nanos >= revokingSince ? Kind.REVOKING : Kind.LIVE;
        }

        @Override
        public String toString() {
            return name + " " + sid;
        }
    }

    enum Kind {
        LIVE,
        REVOKING,
        REVOKED
    }

    /** Answers by status class. */
    static final class Counts {
        final LongAdder sent = new LongAdder();
        final LongAdder ok = new LongAdder();
        final LongAdder forbidden = new LongAdder();
        final LongAdder unavailable = new LongAdder();
        final LongAdder otherServerError = new LongAdder();
        final LongAdder otherStatus = new LongAdder();
        /** No answer: connection refused or reset, or no answer within the client's timeout. */
        final LongAdder failed = new LongAdder();
        /** The slowest answer, in milliseconds. */
        final AtomicLong slowest = new AtomicLong();

        void count(int status, long tookNanos) {
            slowest.accumulateAndGet(TimeUnit.NANOSECONDS.toMillis(tookNanos), Math::max);
            count(status);
        }

        private void count(int status) {
            if (status < 0) {
                failed.increment();
            } else if (status / 100 == 2) {
                ok.increment();
            } else if (status == 403) {
                forbidden.increment();
            } else if (status == 503) {
                unavailable.increment();
            } else if (status / 100 == 5) {
                otherServerError.increment();
            } else {
                otherStatus.increment();
            }
        }

        long answered() {
            return ok.sum() + forbidden.sum() + unavailable.sum() + otherServerError.sum() + otherStatus.sum();
        }

        @Override
        public String toString() {
            return "sent=" + sent.sum() + " 2xx=" + ok.sum() + " 403=" + forbidden.sum() + " 503=" + unavailable.sum()
                    + " other5xx=" + otherServerError.sum() + " other=" + otherStatus.sum() + " failed="
                    + failed.sum() + " slowest=" + slowest.get() + "ms";
        }
    }

    /** What the load saw while one window was open. */
    static final class Window {
        final String name;
        final Counts live = new Counts();
        final Counts revoking = new Counts();
        final Counts revoked = new Counts();
        final LongAdder skipped = new LongAdder();
        final Queue<String> revokedServed = new ConcurrentLinkedQueue<>();

        Window(String name) {
            this.name = name;
        }

        Counts of(Kind kind) {
            return switch (kind) {
                case LIVE -> live;
                case REVOKING -> revoking;
                case REVOKED -> revoked;
            };
        }

        long sum(java.util.function.Function<Counts, LongAdder> field) {
            return field.apply(live).sum()
                    + field.apply(revoking).sum()
                    + field.apply(revoked).sum();
        }

        /** The slowest answer to the load in this window, in milliseconds. */
        long slowest() {
            return Math.max(live.slowest.get(), Math.max(revoking.slowest.get(), revoked.slowest.get()));
        }

        @Override
        public String toString() {
            return name + ": live{" + live + "} revoking{" + revoking + "} revoked{" + revoked + "} skipped="
                    + skipped.sum() + " revokedServed=" + revokedServed.size();
        }
    }

    private final List<Integer> gatewayPorts;
    private final String pathPrefix;
    private final int maxInFlight;
    private final Duration timeout;
    private final ExecutorService callbacks = Executors.newFixedThreadPool(2, daemon("chaos-load-http"));
    private final HttpClient http;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(daemon("chaos-load"));
    private final List<LoadToken> tokens = new CopyOnWriteArrayList<>();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final LongAdder allowedSeen = new LongAdder();
    private final Queue<String> revokedServed = new ConcurrentLinkedQueue<>();
    private volatile Window window;

    ChaosLoad(List<Integer> gatewayPorts, String pathPrefix, int rate, int maxInFlight, Duration timeout) {
        this.gatewayPorts = List.copyOf(gatewayPorts);
        this.pathPrefix = pathPrefix;
        this.maxInFlight = maxInFlight;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .executor(callbacks)
                .build();
        long period = TimeUnit.SECONDS.toNanos(1) / rate;
        ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.NANOSECONDS);
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    void add(LoadToken token) {
        tokens.add(token);
    }

    /** Opens a window: from now on the load runs and counts into it. */
    Window open(String name) {
        Window opened = new Window(name);
        window = opened;
        return opened;
    }

    /** Stops sending and waits (bounded) until every request sent has its answer. */
    void pause() throws InterruptedException {
        window = null;
        long deadline = System.nanoTime() + timeout.plusSeconds(5).toNanos();
        while (inFlight.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
    }

    int inFlight() {
        return inFlight.get();
    }

    /** Every 2xx seen for any token, load and probes alike. */
    long allowedSeen() {
        return allowedSeen.sum();
    }

    /** Each 2xx for a request sent after its token's revocation was applied, since the start. */
    List<String> revokedServed() {
        return List.copyOf(revokedServed);
    }

    private void tick() {
        Window current = window;
        if (current == null || tokens.isEmpty()) {
            return;
        }
        if (inFlight.get() >= maxInFlight) {
            current.skipped.increment();
            return;
        }
        long n = sequence.getAndIncrement();
        int gateway = (int) (n % gatewayPorts.size());
        LoadToken token = tokens.get((int) ((n / gatewayPorts.size()) % tokens.size()));
        send(gateway, token, current, "load/" + n);
    }

    /** One request outside the schedule (a probe); its status, or -1 when it got no answer. */
    CompletableFuture<Integer> probe(int gateway, LoadToken token) {
        return send(gateway, token, null, "probe/" + sequence.getAndIncrement());
    }

    private CompletableFuture<Integer> send(int gateway, LoadToken token, Window counted, String path) {
        long sentAt = System.nanoTime();
        Kind kind = token.kindAt(sentAt);
        if (counted != null) {
            counted.of(kind).sent.increment();
        }
        inFlight.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(
                        URI.create("http://localhost:" + gatewayPorts.get(gateway) + pathPrefix + path))
                .timeout(timeout)
                .header("Authorization", token.authorization)
                .GET()
                .build();
        CompletableFuture<Integer> status;
        try {
            status = http.sendAsync(request, HttpResponse.BodyHandlers.discarding())
                    .thenApply(HttpResponse::statusCode)
                    .exceptionally(error -> -1);
        } catch (RuntimeException e) {
            status = CompletableFuture.completedFuture(-1);
        }
        return status.whenComplete((code, error) -> {
            inFlight.decrementAndGet();
            if (code / 100 == 2) {
                allowedSeen.increment();
                if (token.revokedAt(sentAt)) {
                    String served = token + " on gateway " + gateway + " (" + path + ")";
                    revokedServed.add(served);
                    if (counted != null) {
                        counted.revokedServed.add(served);
                    }
                }
            }
            if (counted != null) {
                counted.of(kind).count(code, System.nanoTime() - sentAt);
            }
        });
    }

    @Override
    public void close() {
        window = null;
        ticker.shutdownNow();
        // JDK 17's HttpClient has no close(): its selector thread ends once the client is unreachable.
        callbacks.shutdownNow();
    }
}
