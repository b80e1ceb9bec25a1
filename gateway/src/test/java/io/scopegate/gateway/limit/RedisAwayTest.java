package io.scopegate.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.Caller;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;

/**
 * {@code backend=redis} with no Redis listening, as when it is down at a replica's start: nothing is
 * refused for it, and each replica holds a token to its share (the rate and burst over the live
 * replicas). The real-Redis failures (kill -9, SIGSTOP, recovery) are in system-tests' RedisOutageTest.
 */
class RedisAwayTest {

    private final ClientResources resources = DefaultClientResources.create();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LiveReplicas replicas = new LiveReplicas();
    private SharedLimits shared;

    @AfterEach
    void close() {
        shared.destroy();
        resources.shutdown();
    }

    private TokenLimits limits() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        DataRedisConnectionDetails nowhere = new DataRedisConnectionDetails() {
            @Override
            public Standalone getStandalone() {
                return Standalone.of("127.0.0.1", closedPort);
            }
        };
        DefaultListableBeanFactory beans = new DefaultListableBeanFactory();
        beans.registerSingleton("details", nowhere);
        beans.registerSingleton("properties", new DataRedisProperties());
        beans.registerSingleton("resources", resources);
        LocalQuotas quotas = new LocalQuotas(TestLimits.nothingUsed());
        shared = new SharedLimits(
                new RateLimitSettings(RateLimitSettings.Backend.REDIS, Duration.ofMillis(100), Duration.ofSeconds(1)),
                quotas,
                meters,
                beans.getBeanProvider(DataRedisConnectionDetails.class),
                beans.getBeanProvider(DataRedisProperties.class),
                beans.getBeanProvider(ClientResources.class));
        return new TokenLimits(shared, quotas, replicas, Clock.systemUTC());
    }

    @Test
    void withRedisAwayEachOfFourReplicasAdmitsAQuarterOfTheBurstAndSaysItIsDegraded() throws IOException {
        TokenLimits limits = limits();
        replicas.seen(4);
        Caller caller = new Caller("AC1", "ST1", 1, List.of(), null, new CachedToken.RateLimit(1, 40), null, null);

        int admitted = 0;
        for (int i = 0; i < 20; i++) {
            if (limits.take(caller).block(Duration.ofSeconds(5)).admitted()) {
                admitted++;
            }
        }

        assertThat(admitted).isEqualTo(10);
        assertThat(shared.enabled()).isTrue();
        assertThat(shared.degraded()).isTrue();
        assertThat(meters.get("scopegate.rate.limit.backend.degraded").gauge().value())
                .isEqualTo(1.0);
        assertThat(limits.take(caller).block(Duration.ofSeconds(5)).policy()).isEqualTo("1;w=4;burst=10");
    }
}
