package io.scopegate.gateway.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.gateway.observability.CompletedRequest;
import io.scopegate.store.lifecycle.RepeatingWork;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counts requests per (token, UTC day, API, method, outcome) in memory and writes the sums to the
 * store in one batch every {@code flush-interval}, off the request path. Each batch has an id the store
 * remembers, so a write that failed or was cut off after it committed (a timeout, a shutdown) is sent
 * again unchanged and counted once: nothing lost, nothing doubled. What exceeds
 * {@code max-pending-entries} while the store is away is dropped and counted in
 * {@code scopegate_usage_dropped_total}, never lost silently. Stopping the gateway flushes what is left.
 */
@Component
public class UsageRecorder extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(UsageRecorder.class);

    /** One usage row. */
    record Key(String tokenId, String accountSid, LocalDate day, String api, String method, String outcome) {}

    /** Requests and the latest of them, for one key. */
    record Totals(long requests, Instant lastAt) {
        Totals plus(Totals other) {
            return new Totals(requests + other.requests, lastAt.isAfter(other.lastAt) ? lastAt : other.lastAt);
        }
    }

    /** Drained rows under the id that makes writing them twice count them once. */
    record Batch(UUID id, Map<Key, Totals> rows) {
        long requests() {
            return rows.values().stream().mapToLong(Totals::requests).sum();
        }
    }

    private final ConcurrentHashMap<Key, Totals> counting = new ConcurrentHashMap<>();
    /**
     * A batch whose write failed or was cut off: it may have committed, so it is sent again as it was,
     * same id, before anything newer; the store adds it at most once. Only the flush loop touches it.
     */
    private Batch unconfirmed;

    private final UsageStore store;
    private final RecentDenials denials;
    private final UsageSettings settings;
    private final Clock clock;
    private final Counter dropped;
    private final Counter written;
    private final Counter failures;

    UsageRecorder(
            UsageStore store, RecentDenials denials, UsageSettings settings, Clock clock, MeterRegistry registry) {
        this.store = store;
        this.denials = denials;
        this.settings = settings;
        this.clock = clock;
        this.dropped = Counter.builder("scopegate.usage.dropped")
                .description("Requests left out of usage because too much was waiting for the store")
                .register(registry);
        this.written = Counter.builder("scopegate.usage.written")
                .description("Requests written to the usage table")
                .register(registry);
        this.failures = Counter.builder("scopegate.usage.flush.failures")
                .description("Usage writes that failed and will be retried")
                .register(registry);
        Gauge.builder(
                        "scopegate.usage.pending",
                        this,
                        recorder -> recorder.counting.size() + recorder.unconfirmedSize())
                .description("Usage rows waiting to be written")
                .register(registry);
    }

    /** Counts a finished request if a token was identified for it; cheap, never blocks. */
    public void record(CompletedRequest request) {
        if (!request.identified()) {
            return;
        }
        Instant now = clock.instant();
        denials.record(request, now);
        Key key = new Key(
                request.tokenId(),
                request.accountSid(),
                LocalDate.ofInstant(now, ZoneOffset.UTC),
                request.api(),
                request.method(),
                request.outcome());
        // compute() holds the key's bin, so a flush draining this key cannot lose this increment. The
        // bound is checked only when a new row would be added: size() is not free on a hot path.
        counting.compute(key, (k, totals) -> {
            if (totals != null) {
                return totals.plus(new Totals(1, now));
            }
            if (counting.size() >= settings.maxPendingEntries()) {
                dropped.increment();
                return null;
            }
            return new Totals(1, now);
        });
    }

    /** Writes a batch left unconfirmed by an earlier flush, then what was counted since. */
    Mono<Void> flush() {
        return Mono.defer(() -> write(unconfirmedBatch())).then(Mono.defer(() -> write(drain())));
    }

    private synchronized Batch unconfirmedBatch() {
        return unconfirmed;
    }

    /** A new batch of what was counted; or the unconfirmed one, which is never replaced before it is written. */
    private synchronized Batch drain() {
        if (unconfirmed != null) {
            return unconfirmed;
        }
        Map<Key, Totals> rows = new HashMap<>();
        for (Key key : counting.keySet()) {
            counting.computeIfPresent(key, (k, totals) -> {
                rows.put(k, totals);
                return null;
            });
        }
        if (rows.isEmpty()) {
            return null;
        }
        unconfirmed = new Batch(UUID.randomUUID(), Map.copyOf(rows));
        return unconfirmed;
    }

    private Mono<Void> write(Batch batch) {
        if (batch == null) {
            return Mono.empty();
        }
        return store.write(batch)
                .timeout(settings.flushTimeout())
                .doOnSuccess(applied -> {
                    synchronized (this) {
                        if (unconfirmed == batch) {
                            unconfirmed = null;
                        }
                    }
                    // Counted here whether added now or by a try whose answer was lost (that one's
                    // success was never seen): once either way.
                    written.increment(batch.requests());
                    if (Boolean.FALSE.equals(applied)) {
                        log.info("usage batch {} had been written by an earlier try", batch.id());
                    }
                })
                // Logged by the loop; the batch stays unconfirmed for the next flush.
                .doOnError(error -> failures.increment())
                .then();
    }

    private synchronized int unconfirmedSize() {
        return unconfirmed == null ? 0 : unconfirmed.rows().size();
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(settings.flushInterval(), settings.flushInterval());
    }

    /** Refusals first: they never fail, and are written even while usage is being retried. */
    @Override
    protected Mono<Void> runOnce() {
        return denials.flush(clock.instant()).then(Mono.defer(this::flush));
    }

    /** Runs after the web server stopped taking requests (lower phase stops later): the last flush. */
    @Override
    public void stop(Runnable callback) {
        super.stop();
        Mono.defer(this::flush)
                .onErrorResume(error -> {
                    log.warn(
                            "last usage flush before shutdown failed; {} rows not written: {}",
                            unconfirmedSize() + counting.size(),
                            error.toString());
                    return Mono.empty();
                })
                .doFinally(signal -> callback.run())
                .subscribe();
    }

    @Override
    public void stop() {
        stop(() -> {});
    }

    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 4096;
    }
}
