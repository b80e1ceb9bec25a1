package io.scopegate.admin.propagation;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code scopegate.propagation.*}: how long a change the gateways must apply waits, after its commit,
 * for every live replica to say it has ({@code max-wait}); which replicas count as live (a heartbeat
 * within {@code live-window}: the gateways beat every 5 s); and how often the wait reads the replicas'
 * rows besides listening for their acknowledgements ({@code recheck}: the path that still works while
 * the admin API's LISTEN connection is down).
 */
@ConfigurationProperties("scopegate.propagation")
public record PropagationSettings(
        @DefaultValue("1s") Duration maxWait,
        @DefaultValue("15s") Duration liveWindow,
        @DefaultValue("100ms") Duration recheck) {

    public PropagationSettings {
        requirePositive("max-wait", maxWait);
        requirePositive("live-window", liveWindow);
        requirePositive("recheck", recheck);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("scopegate.propagation." + name + " must be positive");
        }
    }
}
