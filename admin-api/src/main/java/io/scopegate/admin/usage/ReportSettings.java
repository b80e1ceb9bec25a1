package io.scopegate.admin.usage;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.report.*}: when the token report calls credentials due for rotation (every quarter,
 * as the product's guidance says), a token stale, and an expiry near.
 */
@Validated
@ConfigurationProperties("scopegate.report")
public record ReportSettings(
        @DefaultValue("90d") Duration rotationAfter,
        @DefaultValue("30d") Duration staleAfter,
        @DefaultValue("14d") Duration expiringWithin,
        @DefaultValue("5m") Duration metricsInterval) {

    /**
     * From this share of a quota (per cent) on, a token has a {@code QUOTA_NEAR_LIMIT} finding and its
     * people hear about it ({@code token.quota_near_limit}): early enough to act before the gateways
     * refuse it.
     */
    public static final int QUOTA_WARNING_PERCENT = 80;
}
