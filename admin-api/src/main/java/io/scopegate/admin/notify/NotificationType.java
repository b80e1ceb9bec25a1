package io.scopegate.admin.notify;

import java.util.Optional;

/**
 * The events a webhook can subscribe to, by their wire names ({@code token.disabled}). Which change
 * makes which is {@code AuditAction#notification}.
 */
public enum NotificationType {
    TOKEN_CREATED("token.created"),
    TOKEN_DISABLED("token.disabled"),
    TOKEN_ENABLED("token.enabled"),
    TOKEN_DELETED("token.deleted"),
    TOKEN_RESET("token.reset"),
    TOKEN_SCOPES_CHANGED("token.scopes_changed"),
    LEGACY_TOKEN_DISABLED("legacy_token.disabled"),
    LEGACY_TOKEN_ENABLED("legacy_token.enabled"),
    LEGACY_TOKEN_DELETED("legacy_token.deleted"),
    LEGACY_TOKEN_RESET("legacy_token.reset"),
    /** Scheduled: 14, 7 and 1 days before {@code expiresAt} (see ReminderScheduler). */
    TOKEN_EXPIRING("token.expiring"),
    TOKEN_EXPIRED("token.expired"),
    TOKEN_ROTATION_DUE("token.rotation_due"),
    TOKEN_STALE("token.stale"),
    TOKEN_NEVER_USED("token.never_used"),
    /** The old secret of a reset with grace stops passing within the hour. */
    TOKEN_GRACE_ENDING("token.grace_ending"),
    /** Refused more than {@code denial-spike-threshold} times in ten minutes: probably a missing scope. */
    TOKEN_DENIAL_SPIKE("token.denial_spike"),
    LEGACY_TOKEN_ROTATION_DUE("legacy_token.rotation_due"),
    LEGACY_TOKEN_STALE("legacy_token.stale"),
    LEGACY_TOKEN_NEVER_USED("legacy_token.never_used"),
    LEGACY_TOKEN_GRACE_ENDING("legacy_token.grace_ending"),
    LEGACY_TOKEN_DENIAL_SPIKE("legacy_token.denial_spike"),
    /**
     * Scheduled: the token has used 80 % of its quota for the UTC day or month ({@code data.period});
     * once per token and period.
     */
    TOKEN_QUOTA_NEAR_LIMIT("token.quota_near_limit"),
    /** The automation will disable the token on {@code data.disableAt} (see scopegate.automation). */
    TOKEN_AUTO_DISABLE("token.auto_disable"),
    /** Sent only by "send test event", to the one endpoint asked. */
    WEBHOOK_TEST("webhook.test");

    private final String wireName;

    NotificationType(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<NotificationType> named(String wireName) {
        for (NotificationType type : values()) {
            if (type.wireName.equals(wireName)) {
                return Optional.of(type);
            }
        }
        return Optional.empty();
    }
}
