package io.scopegate.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.EstimationProbe;
import io.github.bucket4j.TimeMeter;
import io.scopegate.gateway.GatewaySettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

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
 */
@Component
class FailedAuthThrottle {

    private final int perMinute;
    private final TimeMeter time;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(2))
            .build();

    FailedAuthThrottle(GatewaySettings settings, Clock clock) {
        this.perMinute = settings.authFailuresPerMinute();
        this.time = new ClockTime(clock);
    }

    /** How long this address must wait, or null when it may try. Makes no bucket for an address that never failed. */
    Duration retryAfter(String client) {
        if (perMinute == 0) {
            return null;
        }
        Bucket bucket = buckets.getIfPresent(client);
        if (bucket == null) {
            return null;
        }
        EstimationProbe estimate = bucket.estimateAbilityToConsume(1);
        return estimate.canBeConsumed() ? null : Duration.ofNanos(estimate.getNanosToWaitForRefill());
    }

    /**
     * Before a store lookup: takes one failure from the address's budget at once, atomically, so at
     * most the budget's worth of lookups can be under way or done per address and minute. Null when
     * granted (then {@link #release} it if the credential is good, keep it otherwise), else how long
     * to wait.
     */
    Duration reserve(String client) {
        return consume(client);
    }

    /** A reservation whose credential proved good: it was no failure, so the budget gets it back. */
    void release(String client) {
        if (perMinute > 0) {
            Bucket bucket = buckets.getIfPresent(client);
            if (bucket != null) {
                // Never above the capacity (Bucket4j caps it), so releasing cannot raise the budget.
                bucket.addTokens(1);
            }
        }
    }

    /**
     * A failure decided without a lookup (from memory, or before any). Null when the budget held it,
     * else how long to wait: the request is then answered 429, as the next one would be.
     */
    Duration recordFailure(String client) {
        return consume(client);
    }

    private Duration consume(String client) {
        if (perMinute == 0) {
            return null;
        }
        ConsumptionProbe probe = buckets.get(client, this::newBucket).tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? null : Duration.ofNanos(Math.max(1, probe.getNanosToWaitForRefill()));
    }

    private Bucket newBucket(String client) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(perMinute)
                        .refillGreedy(perMinute, Duration.ofMinutes(1))
                        .build())
                .withCustomTimePrecision(time)
                .build();
    }

    /** The injected clock as Bucket4j's time source, so tests decide when the budget refills. */
    private record ClockTime(Clock clock) implements TimeMeter {

        @Override
        public long currentTimeNanos() {
            Instant now = clock.instant();
            return now.getEpochSecond() * 1_000_000_000L + now.getNano();
        }

        @Override
        public boolean isWallClockBased() {
            return true;
        }
    }
}
