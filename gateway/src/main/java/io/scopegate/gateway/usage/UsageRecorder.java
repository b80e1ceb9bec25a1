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
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Counts requests per (token, UTC day, API, method, outcome) in memory and writes the sums to the
 * store in one batch every {@code flush-interval}, off the request path. A failed write is kept and
 * retried; what exceeds {@code max-pending-entries} is dropped and counted in
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

    private final ConcurrentHashMap<Key, Totals> counting = new ConcurrentHashMap<>();
    /** Drained but not yet written; only the flush loop touches it. */
    private final Map<Key, Totals> unsent = new HashMap<>();

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
        Gauge.builder("scopegate.usage.pending", this, recorder -> recorder.counting.size() + recorder.unsentSize())
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

    /** Drains what was counted and writes it with whatever an earlier failed flush left. */
    synchronized Mono<Void> flush() {
        for (Key key : counting.keySet()) {
            counting.computeIfPresent(key, (k, totals) -> {
                unsent.merge(k, totals, Totals::plus);
                return null;
            });
        }
        trimUnsent();
        if (unsent.isEmpty()) {
            return Mono.empty();
        }
        Map<Key, Totals> batch = Map.copyOf(unsent);
        return store.write(batch)
                .timeout(settings.flushTimeout())
                .doOnSuccess(done -> {
                    synchronized (this) {
                        batch.forEach((key, totals) -> unsent.computeIfPresent(
                                key,
                                (k, now) -> now.requests() == totals.requests()
                                        ? null
                                        : new Totals(now.requests() - totals.requests(), now.lastAt())));
                    }
                    written.increment(
                            batch.values().stream().mapToLong(Totals::requests).sum());
                })
                // Logged by the loop; the rows stay in unsent for the next flush.
                .doOnError(error -> failures.increment());
    }

    private void trimUnsent() {
        var keys = unsent.keySet().iterator();
        while (unsent.size() > settings.maxPendingEntries() && keys.hasNext()) {
            Key key = keys.next();
            dropped.increment(unsent.get(key).requests());
            keys.remove();
        }
    }

    private synchronized int unsentSize() {
        return unsent.size();
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
                            unsentSize(),
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
