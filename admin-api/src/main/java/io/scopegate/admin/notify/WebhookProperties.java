package io.scopegate.admin.notify;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.webhooks.*}.
 *
 * @param allowPrivateAddresses let endpoints point at loopback and private addresses (never
 *                              link-local); off in production, on in run.sh for a local receiver
 * @param retrySchedule         the waits before each retry after the first attempt; after the last,
 *                              the delivery is FAILED (the Standard Webhooks schedule: about a day)
 * @param timeout               how long one attempt may take, connect to last byte
 * @param pollInterval          how often the elected replica looks for work
 * @param maxPerAccount         endpoints an account may register
 * @param retention             how long finished deliveries and sent notifications are kept (then
 *                              deleted by the elected replica)
 */
@Validated
@ConfigurationProperties("scopegate.webhooks")
public record WebhookProperties(
        @DefaultValue("false") boolean allowPrivateAddresses,

        @DefaultValue({"5s", "5m", "30m", "2h", "5h", "10h", "10h"})
        List<Duration> retrySchedule,

        @DefaultValue("10s") Duration timeout,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("10") @Min(1) int maxPerAccount,
        @DefaultValue("30d") Duration retention) {

    /** The setting that lets endpoints point at loopback and private addresses, for messages. */
    public static final String ALLOW_PRIVATE = "scopegate.webhooks.allow-private-addresses";
}
