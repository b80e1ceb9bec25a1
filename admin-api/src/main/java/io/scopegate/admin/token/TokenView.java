package io.scopegate.admin.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import io.scopegate.admin.lifecycle.Recommendation;

/**
 * The token JSON: the stored token, the platform's latest API version, only in the responses of
 * create, duplicate, reset (and enable with reset) the secret itself, and only in enable's response
 * what to do next when there is something ({@code recommendation}).
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record TokenView(
        @JsonUnwrapped TokenRecord token,
        int latestApiVersion,
        @JsonInclude(JsonInclude.Include.NON_NULL) String authToken,
        @JsonInclude(JsonInclude.Include.NON_NULL) Recommendation recommendation) {

    TokenView(TokenRecord token, int latestApiVersion, String authToken) {
        this(token, latestApiVersion, authToken, null);
    }

    TokenView withRecommendation(Recommendation advice) {
        return new TokenView(token, latestApiVersion, authToken, advice);
    }

    @Override
    public String toString() {
        return "TokenView[sid=" + token.sid() + ", authToken=" + (authToken == null ? "none" : "redacted") + "]";
    }
}
