package io.scopegate.gateway.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.EstimationProbe;
import io.scopegate.gateway.GatewaySettings;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * At most {@code auth-failures-per-minute} failed authentications per client address; beyond that
 * the address gets 429 until its budget refills, decided before any store lookup. Buckets are kept
 * for recently seen addresses only, with a bound, so a spray of addresses cannot exhaust memory.
 */
@Component
class FailedAuthThrottle {

    private final int perMinute;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(2))
            .build();

    FailedAuthThrottle(GatewaySettings settings) {
        this.perMinute = settings.authFailuresPerMinute();
    }

    /** How long this address must wait, or null when it may try. */
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

    void recordFailure(String client) {
        if (perMinute > 0) {
            buckets.get(
                            client,
                            address -> Bucket.builder()
                                    .addLimit(Bandwidth.builder()
                                            .capacity(perMinute)
                                            .refillGreedy(perMinute, Duration.ofMinutes(1))
                                            .build())
                                    .build())
                    .tryConsume(1);
        }
    }
}
