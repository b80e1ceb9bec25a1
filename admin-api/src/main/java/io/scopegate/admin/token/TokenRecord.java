package io.scopegate.admin.token;

import io.scopegate.store.scope.Scope;
import io.scopegate.store.token.TokenState;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** A scoped token as stored, minus its secret. Serialised as the contract's token JSON. */
public record TokenRecord(
        String sid,
        String accountSid,
        String name,
        @Schema(nullable = true) String description,
        @Schema(nullable = true) String primaryContact,
        List<String> developerEmails,
        int apiVersion,
        TokenState state,
        List<Scope> scopes,
        Instant createdAt,
        Instant updatedAt,
        Instant credentialsRotatedAt,
        @Schema(nullable = true) Instant lastUsedAt,
        @Schema(nullable = true) Instant expiresAt,
        @Schema(nullable = true) List<String> allowedIps,
        RateLimit rateLimit,
        Quota quota,

        @Schema(
                nullable = true,
                description = "subject (RFC 2253) of the client certificate the token works only with; null: not bound")
        String clientCertificateSubject) {

    TokenRecord withScopes(List<Scope> newScopes) {
        return new TokenRecord(
                sid,
                accountSid,
                name,
                description,
                primaryContact,
                developerEmails,
                apiVersion,
                state,
                newScopes,
                createdAt,
                updatedAt,
                credentialsRotatedAt,
                lastUsedAt,
                expiresAt,
                allowedIps,
                rateLimit,
                quota,
                clientCertificateSubject);
    }

    TokenRecord withState(TokenState newState, Instant now) {
        return new TokenRecord(
                sid,
                accountSid,
                name,
                description,
                primaryContact,
                developerEmails,
                apiVersion,
                newState,
                scopes,
                createdAt,
                now,
                credentialsRotatedAt,
                lastUsedAt,
                expiresAt,
                allowedIps,
                rateLimit,
                quota,
                clientCertificateSubject);
    }

    TokenRecord withApiVersion(int version, Instant now) {
        return new TokenRecord(
                sid,
                accountSid,
                name,
                description,
                primaryContact,
                developerEmails,
                version,
                state,
                scopes,
                createdAt,
                now,
                credentialsRotatedAt,
                lastUsedAt,
                expiresAt,
                allowedIps,
                rateLimit,
                quota,
                clientCertificateSubject);
    }

    /**
     * A copy under a new SID and name, as {@code duplicate} makes it: enabled, never used, fresh
     * timestamps, the same settings but no bound client certificate.
     */
    TokenRecord copyAs(String newSid, String newName, Instant now) {
        return new TokenRecord(
                newSid,
                accountSid,
                newName,
                description,
                primaryContact,
                developerEmails,
                apiVersion,
                TokenState.ENABLED,
                scopes,
                now,
                now,
                now,
                null,
                expiresAt,
                allowedIps,
                rateLimit,
                quota,
                // Not copied: a new integration gets its own client certificate (docs/contract.md).
                null);
    }

    /** Counts toward the account's limit: enabled and not expired. */
    boolean activeAt(Instant now) {
        return enabled() && (expiresAt == null || expiresAt.isAfter(now));
    }

    boolean enabled() {
        return state.enabled();
    }
}
