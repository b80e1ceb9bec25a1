package io.scopegate.gateway.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import reactor.core.publisher.Mono;

/**
 * The cache's misses, coalesced: at most {@code maxInFlight} store queries at a time, each for up to
 * {@code maxBatch} names ({@link TokenLoader#loadAll}); names missed while those run wait and go
 * together in the next one. A lone miss on a quiet gateway is sent at once (no timer, no added
 * latency); a cold replica taking a full share of traffic for thousands of distinct tokens sends a
 * few queries for hundreds of SIDs each instead of one query per token, so the store sees at most
 * {@code maxInFlight} token queries per replica whatever the miss rate.
 * <p>
 * Each name's future is its own: invalidating the cache entry drops that future, and the batch
 * completing it later changes nothing (see {@link TokenCache}). Every future fails with a
 * {@link TimeoutException} after the store timeout, waiting time included, and no more than
 * {@code maxWaiting} names wait at once: past that a miss fails at once, as a store that cannot keep
 * up is unavailable (503) rather than a queue without end.
 */
final class BatchedLoads {

    private record Waiting(String username, CompletableFuture<CachedToken> result) {}

    private final TokenLoader loader;
    private final Duration timeout;
    private final int maxInFlight;
    private final int maxBatch;
    private final int maxWaiting;
    private final ConcurrentLinkedQueue<Waiting> waiting = new ConcurrentLinkedQueue<>();
    private final AtomicInteger waitingCount = new AtomicInteger();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong queries = new AtomicLong();

    BatchedLoads(TokenLoader loader, Duration timeout, int maxInFlight, int maxBatch, int maxWaiting) {
        this.loader = loader;
        this.timeout = timeout;
        this.maxInFlight = maxInFlight;
        this.maxBatch = maxBatch;
        this.maxWaiting = maxWaiting;
    }

    /** The credential by name, from the next store query with room for it; null when the loader knows none. */
    CompletableFuture<CachedToken> load(String username) {
        CompletableFuture<CachedToken> result = new CompletableFuture<>();
        if (waitingCount.incrementAndGet() > maxWaiting) {
            waitingCount.decrementAndGet();
            result.completeExceptionally(new TimeoutException("too many token lookups waiting for the store"));
            return result;
        }
        result.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS);
        waiting.add(new Waiting(username, result));
        sendWhileRoom();
        return result;
    }

    /** Batches sent to the loader so far: the store queries the cache's misses cost (one per kind of name in a batch). */
    long batches() {
        return queries.get();
    }

    /**
     * Starts queries while there is room and names wait. Called after each new miss and after each
     * query ends, so a name added while every slot was taken is picked up by the query ending next.
     */
    private void sendWhileRoom() {
        while (!waiting.isEmpty()) {
            int running = inFlight.get();
            if (running >= maxInFlight) {
                return;
            }
            if (!inFlight.compareAndSet(running, running + 1)) {
                continue;
            }
            List<Waiting> batch = takeBatch();
            if (batch.isEmpty()) {
                inFlight.decrementAndGet();
            } else {
                send(batch);
            }
        }
    }

    /** Up to maxBatch waiting names; those whose future already ended (timed out) are dropped on the way. */
    private List<Waiting> takeBatch() {
        List<Waiting> batch = new ArrayList<>(Math.min(maxBatch, Math.max(1, waitingCount.get())));
        Waiting next;
        while (batch.size() < maxBatch && (next = waiting.poll()) != null) {
            waitingCount.decrementAndGet();
            if (!next.result().isDone()) {
                batch.add(next);
            }
        }
        return batch;
    }

    private void send(List<Waiting> batch) {
        List<String> usernames = new ArrayList<>(batch.size());
        for (Waiting one : batch) {
            usernames.add(one.username());
        }
        queries.incrementAndGet();
        Mono<Map<String, CachedToken>> query;
        try {
            query = loader.loadAll(usernames);
        } catch (RuntimeException e) {
            // A loader that throws instead of signalling must not keep its slot: later misses would stall.
            fail(batch, e);
            return;
        }
        query.timeout(timeout)
                .subscribe(found -> complete(batch, found), error -> fail(batch, error), () -> finished(batch));
    }

    private void complete(List<Waiting> batch, Map<String, CachedToken> found) {
        for (Waiting one : batch) {
            one.result().complete(found.get(one.username()));
        }
    }

    private void fail(List<Waiting> batch, Throwable error) {
        for (Waiting one : batch) {
            one.result().completeExceptionally(error);
        }
        ended();
    }

    /** A loader that answered no map at all has vouched for nobody, as one that found none. */
    private void finished(List<Waiting> batch) {
        for (Waiting one : batch) {
            one.result().complete(null);
        }
        ended();
    }

    private void ended() {
        inFlight.decrementAndGet();
        sendWhileRoom();
    }
}
