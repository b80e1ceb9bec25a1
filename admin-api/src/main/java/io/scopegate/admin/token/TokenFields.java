package io.scopegate.admin.token;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * The editable settings of a scoped token: the body of create and of PATCH (where only the fields
 * present change). Email checks require a dot in the domain, as mail to {@code a@b} goes nowhere.
 */
record TokenFields(
        @NotNull(groups = Create.class)
        @Size(min = 1, max = 100)
        @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
        String name,

        @Size(max = 1000) String description,
        @Email(regexp = ".+@.+\\..+") @Size(max = 254) String primaryContact,
        @Size(max = 20) List<@NotBlank @Email(regexp = ".+@.+\\..+") @Size(max = 254) String> developerEmails,
        @Positive Integer apiVersion,
        @Size(max = 50) List<@NotNull @Valid ScopeRequest> scopes,
        Instant expiresAt,
        @Size(max = 100) List<@NotNull @Cidr String> allowedIps,
        @Valid RateLimit rateLimit) {

    /** Validation group for what only creation requires. */
    interface Create {}
}
