package io.scopegate.gateway.limit;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * {@code rateLimit} in /actuator/health: always UP, with the backend and whether it is degraded.
 * Redis away is not a reason to take a replica out of the balancer (it enforces its share of every
 * limit meanwhile), so Spring Boot's own Redis indicator, which would say DOWN, is turned off.
 */
@Component
class RateLimitHealthIndicator implements ReactiveHealthIndicator {

    private final SharedLimits shared;
    private final LiveReplicas replicas;

    RateLimitHealthIndicator(SharedLimits shared, LiveReplicas replicas) {
        this.shared = shared;
        this.replicas = replicas;
    }

    @Override
    public Mono<Health> health() {
        Health.Builder health = Health.up().withDetail("backend", shared.enabled() ? "redis" : "local");
        if (shared.enabled()) {
            health.withDetail("degraded", shared.degraded()).withDetail("liveReplicas", replicas.count());
            if (shared.degraded()) {
                health.withDetail("reason", shared.degradedReason());
            }
        }
        return Mono.just(health.build());
    }
}
