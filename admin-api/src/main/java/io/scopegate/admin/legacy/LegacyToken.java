package io.scopegate.admin.legacy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.scopegate.store.scope.LegacyKind;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * One of an account's two legacy credentials. Its {@code sid} is the account SID (the Basic
 * username legacy integrations already use); {@code authToken} appears only when just issued.
 */
record LegacyToken(
        LegacyKind kind,
        String sid,
        int apiVersion,
        Instant createdAt,
        Instant updatedAt,
        Instant credentialsRotatedAt,
        @Schema(nullable = true) Instant lastUsedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String authToken) {

    LegacyToken withAuthToken(String secret) {
        return new LegacyToken(kind, sid, apiVersion, createdAt, updatedAt, credentialsRotatedAt, lastUsedAt, secret);
    }

    @Override
    public String toString() {
        return "LegacyToken[kind=" + kind + ", sid=" + sid + ", authToken=" + (authToken == null ? "none" : "redacted")
                + "]";
    }
}
