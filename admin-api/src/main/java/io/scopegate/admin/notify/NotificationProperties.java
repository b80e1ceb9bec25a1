package io.scopegate.admin.notify;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code scopegate.notifications.*}.
 *
 * @param reminderInterval how often the elected replica looks for tokens that time has made worth a
 *                         reminder (expiring, rotation due, stale, …)
 */
@ConfigurationProperties("scopegate.notifications")
public record NotificationProperties(@DefaultValue("1m") Duration reminderInterval) {}
