package io.scopegate.admin.token;

import io.scopegate.admin.account.ContactEmail;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import java.util.List;

/**
 * The editable settings of a scoped token: the body of create and of PATCH (where only the fields
 * present change). Addresses are {@link ContactEmail}s.
 */
record TokenFields(
        @NotNull(groups = Create.class)
        @Size(min = 1, max = 100)
        @Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
        String name,

        @Size(max = 1000) String description,
        @ContactEmail String primaryContact,
        @Size(max = 20) List<@NotBlank @ContactEmail String> developerEmails,
        @Positive Integer apiVersion,
        @Size(max = 50) List<@NotNull @Valid ScopeRequest> scopes,
        Instant expiresAt,
        @Size(max = 100) List<@NotNull @Cidr String> allowedIps,
        @Valid RateLimit rateLimit,
        @Valid Quota quota,

        @Schema(
                description = "X.500 distinguished name (RFC 4514, e.g. CN=partner-a,O=Acme) of the client"
                        + " certificate the token is bound to: the gateways then take the token only with a"
                        + " verified certificate of this subject. Stored and shown in RFC 2253 form; null unbinds."
                        + " Not copied by duplicate")
        @DistinguishedName
        String clientCertificateSubject) {

    /** Validation group for what only creation requires. */
    interface Create {}
}
