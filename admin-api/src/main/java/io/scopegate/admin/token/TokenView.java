package io.scopegate.admin.token;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;

/**
 * The token JSON: the stored token, the platform's latest API version and, only in the responses
 * of create, duplicate and reset, the secret itself.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record TokenView(
        @JsonUnwrapped TokenRecord token,
        int latestApiVersion,
        @JsonInclude(JsonInclude.Include.NON_NULL) String authToken) {

    @Override
    public String toString() {
        return "TokenView[sid=" + token.sid() + ", authToken=" + (authToken == null ? "none" : "redacted") + "]";
    }
}
