package io.scopegate.gateway.usage;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.usage.*}: how often per-token usage is written to the store, and how much may wait
 * in memory while the store is away (beyond it requests are dropped from usage, and counted as such).
 */
@Validated
@ConfigurationProperties("scopegate.usage")
public record UsageSettings(
        @DefaultValue("10s") Duration flushInterval,
        @DefaultValue("100000") @Min(1) int maxPendingEntries,
        @DefaultValue("5s") Duration flushTimeout) {}
