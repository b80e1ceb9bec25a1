package io.scopegate.admin.account;

import java.time.Instant;

/**
 * A tenant: an agency, brand or partner that owns tokens.
 *
 * @param technicalContact who hears about the account's tokens (email), or null
 * @param ownerContact     who owns the account on the partner's side (email), or null
 */
public record Account(
        String sid,
        String name,
        boolean legacyEnabled,
        Instant createdAt,
        String technicalContact,
        String ownerContact) {}
