package io.scopegate.admin.account;

import java.time.Instant;

/** A tenant: an agency, brand or partner that owns tokens. */
public record Account(String sid, String name, boolean legacyEnabled, Instant createdAt) {}
