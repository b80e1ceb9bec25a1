package io.scopegate.admin.notify;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code scopegate.notifications.*}.
 *
 * @param reminderInterval how often the elected replica looks for tokens that time has made worth a
 *                         reminder (expiring, rotation due, stale, …)
 * @param emailFrom        the sender of notification emails
 * @param consoleUrl       where the console is, for the links in emails
 */
@ConfigurationProperties("scopegate.notifications")
public record NotificationProperties(
        @DefaultValue("1m") Duration reminderInterval,
        @DefaultValue("scopegate@localhost") String emailFrom,
        @DefaultValue("http://localhost:8090") String consoleUrl) {}
