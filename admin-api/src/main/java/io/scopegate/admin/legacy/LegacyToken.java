package io.scopegate.admin.legacy;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.scopegate.admin.lifecycle.Recommendation;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.token.TokenState;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/**
 * One of an account's two legacy credentials. Its {@code sid} is the account SID (the Basic
 * username legacy integrations already use); {@code authToken} appears only when just issued, and
 * {@code recommendation} only in enable's response when there is advice.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record LegacyToken(
        LegacyKind kind,
        String sid,
        TokenState state,
        int apiVersion,
        Instant createdAt,
        Instant updatedAt,
        Instant credentialsRotatedAt,
        @Schema(nullable = true) Instant lastUsedAt,
        @Schema(nullable = true) Instant disabledAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String authToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Recommendation recommendation) {

    public boolean enabled() {
        return state.enabled();
    }

    /** The key of its usage rows and metrics: {@code <accountSid>:<KIND>}. */
    public String usageKey() {
        return kind.usageKey(sid);
    }

    LegacyToken withAuthToken(String secret) {
        return new LegacyToken(
                kind,
                sid,
                state,
                apiVersion,
                createdAt,
                updatedAt,
                credentialsRotatedAt,
                lastUsedAt,
                disabledAt,
                secret,
                recommendation);
    }

    LegacyToken withRecommendation(Recommendation advice) {
        return new LegacyToken(
                kind,
                sid,
                state,
                apiVersion,
                createdAt,
                updatedAt,
                credentialsRotatedAt,
                lastUsedAt,
                disabledAt,
                authToken,
                advice);
    }

    @Override
    public String toString() {
        return "LegacyToken[kind=" + kind + ", sid=" + sid + ", state=" + state + ", authToken="
                + (authToken == null ? "none" : "redacted") + "]";
    }
}
