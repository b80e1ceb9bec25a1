package io.scopegate.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.limit.LiveReplicas;
import io.scopegate.gateway.limit.LocalBuckets;
import io.scopegate.gateway.limit.SharedLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * At most {@code auth-failures-per-minute} failed authentications per client address; beyond that
 * the address gets 429 until its budget refills, decided before any store lookup. Buckets are kept
 * for recently seen addresses only, with a bound, so a spray of addresses cannot exhaust memory.
 * <p>
 * The budget bounds store lookups too, whatever the concurrency: a request that must load its
 * credential from the store first {@link #reserve reserves} a failure (consumes one from the budget)
 * and {@link #release gives it back} only when the credential proves good. Checking before the lookup
 * and counting after it let hundreds of simultaneous requests from one address pass the check before
 * the first of them was counted (security review, issue 14, finding 4). Failures decided from memory
 * cost no lookup; they are {@link #recordFailure counted} as they happen, and one the budget can no
 * longer hold is answered 429 instead of 403.
 * <p>
 * With the Redis backend the budget is one for the whole cluster, so spreading guesses over N replicas
 * does not buy N budgets. Reservations and failures are counted on Redis; what Redis refused is
 * remembered here, so the check before anything stays in memory. An address that failed on this
 * replica lately reserves before every attempt, even one decided from memory: else each replica would
 * verify a guess from an address the others already stopped. While Redis is away each replica holds
 * the address to its share of the budget (divided by the live replicas).
 */
@Component
class FailedAuthThrottle {

    /** Granted: what {@link #reserve} and {@link #recordFailure} emit when the budget holds the request. */
    static final Duration GRANTED = Duration.ZERO;

    private final int perMinute;
    private final Clock clock;
    private final SharedLimits shared;
    private final LiveReplicas replicas;
    private final LocalBuckets buckets;
    /** Shared backend: until when Redis said an address must wait. */
    private final Cache<String, Instant> stopped = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(2))
            .build();
    /** Shared backend: addresses that failed here lately, which reserve before every attempt. */
    private final Cache<String, Boolean> suspects = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterWrite(Duration.ofMinutes(2))
            .build();

    FailedAuthThrottle(GatewaySettings settings, Clock clock, SharedLimits shared, LiveReplicas replicas) {
        this.perMinute = settings.authFailuresPerMinute();
        this.buckets = new LocalBuckets(clock);
        this.clock = clock;
        this.shared = shared;
        this.replicas = replicas;
    }

    /** How long this address must wait, or null when it may try. Makes no bucket for an address that never failed. */
    Duration retryAfter(String client) {
        if (perMinute == 0) {
            return null;
        }
        Instant until = stopped.getIfPresent(client);
        if (until != null) {
            Duration wait = Duration.between(clock.instant(), until);
            if (!(wait.isNegative() || wait.isZero())) {
                return wait;
            }
            stopped.invalidate(client);
        }
        Bucket bucket = buckets.existing(client, shape());
        if (bucket == null) {
            return null;
        }
        EstimationProbe estimate = bucket.estimateAbilityToConsume(1);
        return estimate.canBeConsumed() ? null : Duration.ofNanos(estimate.getNanosToWaitForRefill());
    }

    /** Shared backend only: an address that failed here lately reserves even before a decision from memory. */
    boolean reservesEveryAttempt(String client) {
        return perMinute > 0 && shared.enabled() && suspects.getIfPresent(client) != null;
    }

    /**
     * Before a store lookup: takes one failure from the address's budget at once, atomically, so at
     * most the budget's worth of lookups can be under way or done per address and minute. Emits
     * {@link #GRANTED} (then {@link #release} it if the credential is good, {@link #keep} it otherwise),
     * else how long to wait.
     */
    Mono<Duration> reserve(String client) {
        return consume(client);
    }

    /** A reservation whose credential proved good: it was no failure, so the budget gets it back. */
    void release(String client) {
        if (perMinute == 0) {
            return;
        }
        if (shared.enabled() && !shared.degraded()) {
            // Not waited for: the request goes on; a give-back Redis misses costs the address one failure.
            shared.failure(client, perMinute, -1).subscribe(ignored -> {}, ignored -> {});
            return;
        }
        Bucket bucket = buckets.existing(client, shape());
        if (bucket != null) {
            // Never above the capacity (Bucket4j caps it), so releasing cannot raise the budget.
            bucket.addTokens(1);
        }
    }

    /** A reservation whose credential failed: already counted; the address now reserves before every attempt. */
    void keep(String client) {
        if (perMinute > 0 && shared.enabled()) {
            suspects.put(client, Boolean.TRUE);
        }
    }

    /**
     * A failure decided without a lookup (from memory, or before any). Emits {@link #GRANTED} when the
     * budget held it, else how long to wait: the request is then answered 429, as the next one would be.
     */
    Mono<Duration> recordFailure(String client) {
        keep(client);
        return consume(client);
    }

    private Mono<Duration> consume(String client) {
        if (perMinute == 0) {
            return Mono.just(GRANTED);
        }
        if (!shared.enabled()) {
            return Mono.just(consumeLocally(client));
        }
        return shared.failure(client, perMinute, 1)
                .doOnNext(wait -> {
                    if (!(wait.isNegative() || wait.isZero())) {
                        stopped.put(client, clock.instant().plus(wait));
                    }
                })
                // Redis away: this replica's share of the budget.
                .switchIfEmpty(Mono.fromSupplier(() -> consumeLocally(client)));
    }

    private Duration consumeLocally(String client) {
        ConsumptionProbe probe = buckets.bucket(client, shape()).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? GRANTED : Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill()));
    }

    /**
     * The address's budget on this replica: all of it with the local backend; with the shared one (Redis
     * away) its share over the live replicas, and a new share starts afresh.
     */
    private LocalBuckets.Shape shape() {
        return LocalBuckets.Shape.shareOf(perMinute, 60, perMinute, shared.enabled() ? replicas.count() : 1);
    }
}
