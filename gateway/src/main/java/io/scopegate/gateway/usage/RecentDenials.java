package io.scopegate.gateway.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.gateway.observability.CompletedRequest;
import io.scopegate.gateway.observability.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Refused requests per token and minute — the minute they happened — written to
 * {@code token_denials_recent}, from which the admin API tells a token's contacts that it is being
 * refused ({@code token.denial_spike}). Only refusals of a known credential count: it lacks the scope,
 * the address, or is disabled or expired; rate limiting is volume, not a missing grant.
 *
 * <p>Kept apart from usage on purpose: usage must not be lost, so its batches are retried; these are
 * an alarm, so each is written at most once (a failed write is dropped and counted, never retried,
 * which could count a refusal twice), and minutes older than the ten the admin API looks at are
 * dropped (refusals held through a store outage would otherwise all land in one minute).
 */
@Component
class RecentDenials {

    private static final Logger log = LoggerFactory.getLogger(RecentDenials.class);

    static final Set<String> REFUSALS =
            Set.of(Outcome.OUT_OF_SCOPE, Outcome.IP_NOT_ALLOWED, Outcome.DISABLED, Outcome.EXPIRED);

    /** What the admin API reads: refusals older than this cannot make a spike any more. */
    static final Duration WINDOW = Duration.ofMinutes(10);

    record Bucket(String tokenId, String accountSid, long minute, String api, String method, String outcome) {}

    private final ConcurrentHashMap<Bucket, LongAdder> counting = new ConcurrentHashMap<>();
    private final DatabaseClient db;
    private final UsageSettings settings;
    private final Counter failures;
    private final Counter dropped;
    private final AtomicLong lastWarned = new AtomicLong();

    RecentDenials(DatabaseClient db, UsageSettings settings, MeterRegistry registry) {
        this.db = db;
        this.settings = settings;
        this.failures = Counter.builder("scopegate.usage.denials.failures")
                .description("Writes of refused requests (for denial-spike notifications) that failed and were dropped")
                .register(registry);
        this.dropped = Counter.builder("scopegate.usage.denials.dropped")
                .description("Refused requests left out of denial-spike counting (too old, or too many waiting)")
                .register(registry);
    }

    /** Counts a finished request if it is a refusal of an identified token; cheap, never blocks. */
    void record(CompletedRequest request, Instant at) {
        if (!REFUSALS.contains(request.outcome())) {
            return;
        }
        Bucket bucket = new Bucket(
                request.tokenId(),
                request.accountSid(),
                at.getEpochSecond() / 60 * 60,
                request.api(),
                request.method(),
                request.outcome());
        LongAdder adder = counting.get(bucket);
        if (adder == null) {
            if (counting.size() >= settings.maxPendingEntries()) {
                dropped.increment();
                return;
            }
            adder = counting.computeIfAbsent(bucket, key -> new LongAdder());
        }
        adder.increment();
    }

    /** Writes what was counted in the last ten minutes, once; never fails. */
    Mono<Void> flush(Instant now) {
        long oldest = now.minus(WINDOW).getEpochSecond();
        List<String> tokens = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        List<Long> minutes = new ArrayList<>();
        List<String> apis = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        for (Bucket bucket : counting.keySet()) {
            LongAdder adder = counting.remove(bucket);
            long requests = adder == null ? 0 : adder.sum();
            if (requests == 0) {
                continue;
            }
            if (bucket.minute() < oldest) {
                dropped.increment(requests);
                continue;
            }
            tokens.add(bucket.tokenId());
            accounts.add(bucket.accountSid());
            minutes.add(bucket.minute());
            apis.add(bucket.api());
            methods.add(bucket.method());
            outcomes.add(bucket.outcome());
            counts.add(requests);
        }
        if (tokens.isEmpty()) {
            return Mono.empty();
        }
        return Mono.defer(() -> db.sql("""
                        insert into token_denials_recent (token_sid, account_sid, minute, api_id, method, outcome, requests)
                        select t, a, to_timestamp(s), api, m, o, n
                        from unnest(cast(:tokens as text[]), cast(:accounts as text[]), cast(:minutes as bigint[]),
                                    cast(:apis as text[]), cast(:methods as text[]), cast(:outcomes as text[]),
                                    cast(:counts as bigint[])) as u(t, a, s, api, m, o, n)
                        on conflict (token_sid, minute, api_id, method, outcome) do update
                           set requests = token_denials_recent.requests + excluded.requests
                        """)
                        .bind("tokens", tokens.toArray(String[]::new))
                        .bind("accounts", accounts.toArray(String[]::new))
                        .bind("minutes", minutes.toArray(Long[]::new))
                        .bind("apis", apis.toArray(String[]::new))
                        .bind("methods", methods.toArray(String[]::new))
                        .bind("outcomes", outcomes.toArray(String[]::new))
                        .bind("counts", counts.toArray(Long[]::new))
                        .then())
                .timeout(settings.flushTimeout())
                .onErrorResume(error -> {
                    failures.increment();
                    long second = now.getEpochSecond();
                    long last = lastWarned.get();
                    if (second - last >= 60 && lastWarned.compareAndSet(last, second)) {
                        log.warn(
                                "refused requests not recorded for denial-spike notifications"
                                        + " (does the gateway's role have the grant on token_denials_recent?): {}",
                                error.toString());
                    }
                    return Mono.empty();
                });
    }
}
