package io.scopegate.gateway.limit;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.rate-limit.*}: where tokens' rate limits, quotas and the failed-authentication
 * budget are counted. Redis itself is located by Spring Boot's {@code spring.data.redis.*}.
 *
 * @param backend            {@code local} (each replica counts on its own) or {@code redis} (one count
 *                           for the whole cluster)
 * @param redisTimeout       longest one limited request waits on Redis before this replica decides on
 *                           its own share instead
 * @param redisRetryInterval while Redis is not answering, how often one request tries it again (the
 *                           others use the local share meanwhile, so an outage is not a storm of attempts)
 */
@Validated
@ConfigurationProperties("scopegate.rate-limit")
public record RateLimitSettings(
        @DefaultValue("local") Backend backend,
        @DefaultValue("100ms") Duration redisTimeout,
        @DefaultValue("1s") Duration redisRetryInterval) {

    public enum Backend {
        LOCAL,
        REDIS
    }

    boolean shared() {
        return backend == Backend.REDIS;
    }
}
