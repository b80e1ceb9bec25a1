package io.scopegate.gateway.auth;

import io.scopegate.gateway.token.Caller;

/** The outcome of authenticating one request: expected outcomes are values, not exceptions. */
sealed interface AuthDecision {

    AuthDecision UNAVAILABLE = new Unavailable();

    record Allowed(Caller caller) implements AuthDecision {}

    /**
     * Refused with 403; {@code reason} is the metric outcome and never reaches the client.
     * {@code identified} is the token when its secret was right but it may not be used (disabled,
     * expired, address not allowed), so the refusal is counted against it; null otherwise, as an
     * unverified username proves nothing.
     */
    record Denied(String reason, Caller identified) implements AuthDecision {

        Denied(String reason) {
            this(reason, null);
        }
    }

    /** The store could not answer and the cache cannot vouch: 503. */
    record Unavailable() implements AuthDecision {}
}
