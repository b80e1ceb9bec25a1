package io.scopegate.admin.account;

import io.swagger.v3.oas.annotations.media.Schema;

/**
 * An address a token's primary contact may be chosen from.
 *
 * @param kind     {@code USER} (an admin user of the account), {@code TECHNICAL_CONTACT} or {@code OWNER_CONTACT}
 * @param username the admin user's name, for {@code USER}
 */
public record Contact(
        String email,

        @Schema(allowableValues = {"USER", "TECHNICAL_CONTACT", "OWNER_CONTACT"})
        String kind,

        @Schema(nullable = true) String username) {}
