package io.scopegate.admin.account;

import java.time.Instant;

/**
 * A tenant: an agency, brand or partner that owns tokens.
 *
 * @param technicalContact who hears about the account's tokens (email), or null
 * @param ownerContact     who owns the account on the partner's side (email), or null
 * @param emailDelivery    {@code EACH} (a notification email per event) or {@code DAILY_DIGEST}
 * @param automation       the account's own clean-up rules (null fields: the platform's)
 */
public record Account(
        String sid,
        String name,
        boolean legacyEnabled,
        Instant createdAt,
        String technicalContact,
        String ownerContact,
        String emailDelivery,
        AccountAutomation automation) {

    public static final String EACH = "EACH";
    public static final String DAILY_DIGEST = "DAILY_DIGEST";
}
