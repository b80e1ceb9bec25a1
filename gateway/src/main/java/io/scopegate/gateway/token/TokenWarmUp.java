package io.scopegate.gateway.token;

import io.scopegate.gateway.GatewaySettings;
import jakarta.validation.constraints.Min;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Loads the most recently used tokens whenever the whole cache was dropped (first of all when the
 * store sync starts, which drops it once it has its cursor), and keeps the replica out of the load
 * balancer's readiness until the first such load is done: a new replica put behind the balancer
 * while thousands of tokens are active then meets most of them in memory, rather than sending the
 * store a lookup for each in its first seconds. {@code tokenWarmUp} is in the readiness group.
 * <p>
 * The SIDs come first, in one query; their credentials are then loaded through the cache like any
 * miss (in batches, a bounded number at a time), so an entry is in the cache while its row is read
 * and a change the store sync applies meanwhile drops it, as for any load: a warm-up never brings
 * back a revoked token. The warm-up gives up after its timeout, and a store that cannot answer ends
 * it too: tokens then load on demand as before, and the replica becomes ready (it would be, without
 * a warm-up) rather than stay out of the balancer for as long as the store is slow.
 */
@Component("tokenWarmUp")
class TokenWarmUp implements TokenCache.ChangeListener, ReactiveHealthIndicator {

    /**
     * {@code scopegate.cache-warm-up.*}.
     *
     * @param tokens     at most this many tokens (and never more than the cache holds), the most
     *                   recently used first; 0 turns the warm-up off
     * @param usedWithin only tokens used within this long ({@code tokens.last_used_at}, written by
     *                   the usage flushes of every replica)
     * @param timeout    bound on the whole warm-up; past it the replica is ready and the rest load on demand
     */
    @Validated
    @ConfigurationProperties("scopegate.cache-warm-up")
    record Settings(
            @DefaultValue("10000") @Min(0) int tokens,
            @DefaultValue("1d") Duration usedWithin,
            @DefaultValue("30s") Duration timeout) {}

    private static final Logger log = LoggerFactory.getLogger(TokenWarmUp.class);

    /** Names loaded at a time: a few batches' worth, so requests' own misses never wait long behind them. */
    private static final int CONCURRENCY = 2 * TokenCache.MAX_NAMES_PER_QUERY;

    /** Disabled ones too: a token still being sent after it was disabled is refused from memory then. */
    private static final String RECENT = """
            select sid from tokens
            where last_used_at > :since
            order by last_used_at desc
            limit :limit
            """;

    private final DatabaseClient db;
    private final TokenCache cache;
    private final Settings settings;
    private final long limit;
    private final Clock clock;
    private final AtomicBoolean running = new AtomicBoolean();
    private volatile boolean firstDone;
    private volatile int lastLoaded;

    TokenWarmUp(DatabaseClient db, TokenCache cache, Settings settings, GatewaySettings gatewaySettings, Clock clock) {
        this.db = db;
        this.cache = cache;
        this.settings = settings;
        // More than the cache holds would evict what the warm-up itself loaded first.
        this.limit = Math.min(settings.tokens(), gatewaySettings.cacheMaximumSize());
        this.clock = clock;
        this.firstDone = settings.tokens() == 0;
        cache.addListener(this);
    }

    @Override
    public void changed(String username) {}

    @Override
    public void changedAll() {
        if (settings.tokens() == 0 || !running.compareAndSet(false, true)) {
            return;
        }
        Instant started = clock.instant();
        recentSids()
                .flatMap(cache::get, CONCURRENCY)
                .count()
                .timeout(settings.timeout())
                .doFinally(signal -> {
                    running.set(false);
                    firstDone = true;
                })
                .subscribe(
                        loaded -> {
                            lastLoaded = loaded.intValue();
                            log.info(
                                    "token cache warmed up with {} recently used tokens in {} ms",
                                    loaded,
                                    Duration.between(started, clock.instant()).toMillis());
                        },
                        // Fail open to loading on demand: the warm-up only saves lookups, it guards nothing.
                        error -> log.warn(
                                "token cache warm-up ended early ({}); tokens load on demand", error.toString()));
    }

    private Flux<String> recentSids() {
        return db.sql(RECENT)
                .bind("since", clock.instant().minus(settings.usedWithin()))
                .bind("limit", limit)
                .map(row -> row.get("sid", String.class))
                .all();
    }

    @Override
    public Mono<Health> health() {
        Health.Builder health = firstDone ? Health.up() : Health.down();
        return Mono.just(health.withDetail("warmUp", firstDone ? "done" : "loading recently used tokens")
                .withDetail("lastWarmUpTokens", lastLoaded)
                .build());
    }
}
