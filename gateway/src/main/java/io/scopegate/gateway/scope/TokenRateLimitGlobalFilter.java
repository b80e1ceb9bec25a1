package io.scopegate.gateway.scope;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.scopegate.gateway.auth.Caller;
import io.scopegate.gateway.http.Rejections;
import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.token.CachedToken;
import java.time.Duration;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * A token's {@code rateLimit}: a Bucket4j token bucket per token and limit, in this replica's memory.
 * With N replicas behind a balancer a token may get up to N times its rate; documented, and the
 * price of needing no shared store on the request path.
 */
@Component
class TokenRateLimitGlobalFilter implements GlobalFilter, Ordered {

    static final int ORDER = -100;

    /** Keyed by token and limit, so a changed limit starts a fresh bucket. */
    private record Key(String tokenId, CachedToken.RateLimit limit) {
    }

    private final Cache<Key, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
        if (caller != null && caller.rateLimit() != null) {
            ConsumptionProbe probe = buckets.get(new Key(caller.tokenId(), caller.rateLimit()), TokenRateLimitGlobalFilter::bucket)
                    .tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                return Rejections.tooManyRequests(exchange, Outcome.RATE_LIMITED, Duration.ofNanos(probe.getNanosToWaitForRefill()));
            }
        }
        Outcome.set(exchange, Outcome.ALLOWED);
        return chain.filter(exchange);
    }

    private static Bucket bucket(Key key) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(key.limit().burst())
                        .refillGreedy(key.limit().requestsPerSecond(), Duration.ofSeconds(1))
                        .build())
                .build();
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
