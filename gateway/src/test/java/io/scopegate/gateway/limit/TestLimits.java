package io.scopegate.gateway.limit;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import reactor.core.publisher.Mono;

/** The limits with the local backend, for other packages' unit tests. */
public final class TestLimits {

    private TestLimits() {}

    public static RateLimitSettings localSettings() {
        return new RateLimitSettings(RateLimitSettings.Backend.LOCAL, Duration.ofMillis(100), Duration.ofSeconds(1));
    }

    /** The shared backend switched off, as with {@code scopegate.rate-limit.backend=local}. */
    public static SharedLimits localBackend() {
        return shared(localSettings(), new LocalQuotas(nothingUsed()));
    }

    public static TokenLimits local(Clock clock) {
        LocalQuotas quotas = new LocalQuotas(nothingUsed());
        return new TokenLimits(shared(localSettings(), quotas), quotas, new LiveReplicas(), clock);
    }

    static LocalQuotas.QuotaUse nothingUsed() {
        return (token, today) -> Mono.just(new long[2]);
    }

    static SharedLimits shared(RateLimitSettings settings, LocalQuotas quotas) {
        DefaultListableBeanFactory none = new DefaultListableBeanFactory();
        return new SharedLimits(
                settings,
                quotas,
                new SimpleMeterRegistry(),
                none.getBeanProvider(
                        org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails.class),
                none.getBeanProvider(org.springframework.boot.data.redis.autoconfigure.DataRedisProperties.class),
                none.getBeanProvider(io.lettuce.core.resource.ClientResources.class));
    }
}
