package io.scopegate.gateway.limit;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.ConsumptionProbe;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.Caller;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A token's {@code rateLimit} and {@code quota}, taken one request at a time. With the local backend
 * each replica counts on its own (Bucket4j buckets, quotas seeded from the store): N replicas may let
 * a token through up to N times its rate. With Redis one script counts rate, day and month for the
 * whole cluster in one round trip; while Redis is away each replica enforces its share (the rate and
 * burst divided by the live replicas) and counts quotas on its own from the store's usage.
 * Only tokens with a limit come here: the access filter skips it (and any publisher) for the others.
 */
@Component
public class TokenLimits {

    private final SharedLimits shared;
    private final LocalQuotas quotas;
    private final LiveReplicas replicas;
    private final Clock clock;
    private final LocalBuckets buckets;

    TokenLimits(SharedLimits shared, LocalQuotas quotas, LiveReplicas replicas, Clock clock) {
        this.shared = shared;
        this.quotas = quotas;
        this.replicas = replicas;
        this.clock = clock;
        this.buckets = new LocalBuckets(clock);
    }

    /** Whether a request of this caller is limited at all; false: nothing to take, no headers. */
    public static boolean limits(Caller caller) {
        return caller.rateLimit() != null || caller.quota() != null;
    }

    /** Takes one request from the caller's rate and quotas when all of them allow it. */
    public Mono<LimitVerdict> take(Caller caller) {
        if (!shared.enabled()) {
            return Mono.just(takeLocally(caller, 1));
        }
        CachedToken.RateLimit rate = caller.rateLimit();
        CachedToken.Quota quota = caller.quota();
        String token = "{" + caller.tokenId() + "}";
        return shared.run(
                        "scopegate:rate:" + token,
                        "scopegate:quota:" + token,
                        rate == null ? 0 : rate.requestsPerSecond(),
                        rate == null ? 0 : rate.burst(),
                        1,
                        quota == null || quota.perDay() == null ? 0 : quota.perDay(),
                        quota == null || quota.perMonth() == null ? 0 : quota.perMonth())
                .map(result -> verdict(caller, result))
                // Redis away (or not this request's turn to try it): this replica's share.
                .switchIfEmpty(Mono.fromSupplier(() -> takeLocally(caller, replicas.count())));
    }

    private static LimitVerdict verdict(Caller caller, SharedLimits.Result result) {
        CachedToken.RateLimit rate = caller.rateLimit();
        Windows.Level level =
                rate == null ? null : new Windows.Level(rate.requestsPerSecond(), 1, rate.burst(), result.tokens());
        LimitVerdict.Refusal refusal = switch (result.refusal()) {
            case 0 -> LimitVerdict.Refusal.NONE;
            case 1 -> LimitVerdict.Refusal.RATE;
            default -> LimitVerdict.Refusal.QUOTA;
        };
        return Windows.verdict(
                refusal,
                level,
                caller.quota(),
                result.dayUsed(),
                result.monthUsed(),
                Instant.ofEpochSecond(result.redisSeconds()));
    }

    /** Bucket4j for the rate (this replica's {@code 1/replicas} share), then the quotas; all or nothing. */
    LimitVerdict takeLocally(Caller caller, int replicas) {
        Instant now = clock.instant();
        CachedToken.RateLimit rate = caller.rateLimit();
        Bucket bucket = null;
        Windows.Level level = null;
        if (rate != null) {
            LocalBuckets.Shape shape = LocalBuckets.Shape.shareOf(rate.requestsPerSecond(), rate.burst(), replicas);
            bucket = buckets.bucket(caller.tokenId(), shape);
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            level = new Windows.Level(shape.requests(), shape.seconds(), shape.burst(), probe.getRemainingTokens());
            if (!probe.isConsumed()) {
                long[] used = caller.quota() == null
                        ? new long[3]
                        : quotas.of(caller.tokenId(), now).peek(now);
                return Windows.verdict(LimitVerdict.Refusal.RATE, level, caller.quota(), used[1], used[2], now);
            }
        }
        if (caller.quota() == null) {
            return Windows.verdict(LimitVerdict.Refusal.NONE, level, null, 0, 0, now);
        }
        long[] taken = quotas.of(caller.tokenId(), now).take(caller.quota(), now);
        if (taken[0] == 1) {
            if (bucket != null) {
                // Refused by a quota: the request was not made, so the rate gets it back.
                bucket.addTokens(1);
                level = new Windows.Level(level.requests(), level.seconds(), level.burst(), level.tokens() + 1);
            }
            return Windows.verdict(LimitVerdict.Refusal.QUOTA, level, caller.quota(), taken[1], taken[2], now);
        }
        return Windows.verdict(LimitVerdict.Refusal.NONE, level, caller.quota(), taken[1], taken[2], now);
    }
}
