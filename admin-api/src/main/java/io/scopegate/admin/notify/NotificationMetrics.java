package io.scopegate.admin.notify;

import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code scopegate_notifications_sent_total} and {@code …_failed_total} by channel and event: the one
 * place their names and tags are spelt, for the webhook sender and the email notifier.
 */
final class NotificationMetrics {

    private NotificationMetrics() {}

    /** Every event's series, at 0, so alerts and dashboards see the metric before the first attempt. */
    static void register(MeterRegistry registry, String channel) {
        for (NotificationType type : NotificationType.values()) {
            registry.counter("scopegate.notifications.sent", "channel", channel, "event", type.wireName());
            registry.counter("scopegate.notifications.failed", "channel", channel, "event", type.wireName());
        }
    }

    static void attempted(MeterRegistry registry, String channel, String event, boolean sent) {
        registry.counter(
                        sent ? "scopegate.notifications.sent" : "scopegate.notifications.failed",
                        "channel",
                        channel,
                        "event",
                        event)
                .increment();
    }
}
