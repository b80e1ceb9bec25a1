package io.scopegate.admin.notify;

import jakarta.validation.constraints.Positive;
import java.time.Duration;
import java.time.LocalTime;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.notifications.*}.
 *
 * @param reminderInterval how often the elected replica looks for tokens that time has made worth a
 *                         reminder (expiring, rotation due, stale, …)
 * @param emailFrom        the sender of notification emails
 * @param consoleUrl       where the console is, for the links in emails
 * @param denialSpikeThreshold a token refused more than this many times in ten minutes makes a
 *                         {@code token.denial_spike} notification
 * @param digestAt         when, in UTC, accounts that chose {@code DAILY_DIGEST} get their daily emails
 */
@Validated
@ConfigurationProperties("scopegate.notifications")
public record NotificationProperties(
        @DefaultValue("1m") Duration reminderInterval,
        @DefaultValue("scopegate@localhost") String emailFrom,
        @DefaultValue("http://localhost:8090") String consoleUrl,
        @DefaultValue("100") @Positive long denialSpikeThreshold,
        @DefaultValue("08:00") LocalTime digestAt) {}
