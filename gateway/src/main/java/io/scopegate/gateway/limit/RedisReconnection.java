package io.scopegate.gateway.limit;

import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Lettuce reconnects a dropped connection in the background with a growing delay, by default up to
 * 30 s: limits would stay on the replicas' shares that long after Redis came back. Capped at 2 s.
 */
@Configuration(proxyBeanMethods = false)
class RedisReconnection {

    @Bean
    ClientResourcesBuilderCustomizer redisReconnectDelay() {
        return builder -> builder.reconnectDelay(
                Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
    }
}
