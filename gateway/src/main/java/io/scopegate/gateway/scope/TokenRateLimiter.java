package io.scopegate.gateway.scope;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.Caller;
import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * A token's {@code rateLimit}: a Bucket4j token bucket per token and limit, in this replica's memory.
 * With N replicas behind a balancer a token may get up to N times its rate; documented, and the
 * price of needing no shared store on the request path.
 */
@Component
class TokenRateLimiter {

    /** Keyed by token and limit, so a changed limit starts a fresh bucket. */
    private record Key(String tokenId, CachedToken.RateLimit limit) {}

    private final Cache<Key, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    /** Takes one request from the caller's bucket: null when it may go, else how long to wait. */
    Duration retryAfter(Caller caller) {
        if (caller.rateLimit() == null) {
            return null;
        }
        ConsumptionProbe probe = buckets.get(new Key(caller.tokenId(), caller.rateLimit()), TokenRateLimiter::bucket)
                .tryConsumeAndReturnRemaining(1);
        return probe.isConsumed() ? null : Duration.ofNanos(probe.getNanosToWaitForRefill());
    }

    private static Bucket bucket(Key key) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(key.limit().burst())
                        .refillGreedy(key.limit().requestsPerSecond(), Duration.ofSeconds(1))
                        .build())
                .build();
    }
}
