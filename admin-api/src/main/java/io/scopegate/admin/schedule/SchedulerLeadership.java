package io.scopegate.admin.schedule;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The one admin API replica that runs the platform's once-only work (the findings gauges today):
 * elected through a PostgreSQL advisory lock, so two replicas never both export the same series.
 * Exposed as {@code scopegate_admin_leader} (1 on the leader, 0 elsewhere).
 */
@Configuration(proxyBeanMethods = false)
class SchedulerLeadership {

    /** The advisory lock of the admin scheduler; distinct from StoreEvent.WRITE_LOCK. */
    static final long LOCK_KEY = 0x5C09E6A7E0002L;

    static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    @Bean
    StoreLeader schedulerLeader(ConnectionFactory connections, MeterRegistry registry) {
        StoreLeader leader = new StoreLeader(connections, LOCK_KEY, "the admin scheduler", CHECK_EVERY);
        Gauge.builder("scopegate.admin.leader", leader, elected -> elected.isLeader() ? 1 : 0)
                .description("1 on the admin API replica that exports the findings gauges (elected in the store)")
                .register(registry);
        return leader;
    }
}
