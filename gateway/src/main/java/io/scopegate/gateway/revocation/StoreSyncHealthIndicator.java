package io.scopegate.gateway.revocation;

import io.scopegate.gateway.token.TokenCache;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code storeSync} in /actuator/health and in the readiness group: DOWN while the cache is cold
 * (no catalog, no cursor yet), so no traffic is sent to a gateway that could only guess. Once warm
 * it stays UP through a store outage (the cache serves for outage-grace) and says so in its details.
 */
@Component
class StoreSyncHealthIndicator implements ReactiveHealthIndicator {

    private final StoreSync sync;
    private final TokenCache cache;
    private final GatewayInstance instance;

    StoreSyncHealthIndicator(StoreSync sync, TokenCache cache, GatewayInstance instance) {
        this.sync = sync;
        this.cache = cache;
        this.instance = instance;
    }

    @Override
    public Mono<Health> health() {
        Health.Builder health = sync.isWarm() ? Health.up() : Health.down();
        return Mono.just(health.withDetail("cache", sync.isWarm() ? "warm" : "cold")
                .withDetail("cachedCredentials", cache.size())
                .withDetail("store", sync.lastRunSucceeded() ? "in sync" : "not answering")
                .withDetail("lastSuccessfulSync", String.valueOf(sync.lastSuccessfulSync()))
                .withDetail("eventCursor", sync.cursor())
                .withDetail("listening", sync.listening())
                // The row the admin API reads (gateway_instances): which replica missed a confirmation.
                .withDetail("instance", instance.id())
                .build());
    }
}
