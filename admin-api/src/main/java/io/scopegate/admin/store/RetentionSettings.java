package io.scopegate.admin.store;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code scopegate.retention.*}: how long the store keeps what would otherwise grow for ever.
 *
 * @param tokenEvents  change events, once every gateway replica heard from within this time has
 *                     applied them (the newest is always kept); replicas silent for longer drop out
 * @param audit        the audit log
 * @param usage        daily usage rows (usage reports can look back 400 days: less keeps them shorter)
 * @param usageBatches ids of usage batches already counted (a gateway resends a batch within seconds)
 * @param interval     how often the elected admin API replica purges
 * @param batchSize    rows deleted per statement, so no purge holds locks for long
 */
@ConfigurationProperties("scopegate.retention")
public record RetentionSettings(
        @DefaultValue("7d") Duration tokenEvents,
        @DefaultValue("400d") Duration audit,
        @DefaultValue("400d") Duration usage,
        @DefaultValue("7d") Duration usageBatches,
        @DefaultValue("1h") Duration interval,
        @DefaultValue("5000") int batchSize) {

    public RetentionSettings {
        if (tokenEvents.compareTo(Duration.ofHours(1)) < 0 || usageBatches.compareTo(Duration.ofHours(1)) < 0) {
            throw new IllegalArgumentException(
                    "scopegate.retention.token-events and usage-batches must be at least 1h");
        }
        if (audit.compareTo(Duration.ofDays(1)) < 0 || usage.compareTo(Duration.ofDays(31)) < 0) {
            // Findings (unused scopes, stale tokens) read the last 30 days of usage.
            throw new IllegalArgumentException(
                    "scopegate.retention.audit must be at least 1d, usage at least 31d (findings read 30 days)");
        }
        if (interval.isNegative() || interval.isZero() || batchSize < 1) {
            throw new IllegalArgumentException("scopegate.retention.interval and batch-size must be positive");
        }
    }
}
