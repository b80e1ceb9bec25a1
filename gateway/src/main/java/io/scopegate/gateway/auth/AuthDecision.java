package io.scopegate.gateway.auth;

/** The outcome of authenticating one request: expected outcomes are values, not exceptions. */
sealed interface AuthDecision {

    record Allowed(Caller caller) implements AuthDecision {
    }

    /** Refused with 403; {@code reason} is the metric outcome and never reaches the client. */
    record Denied(String reason) implements AuthDecision {
    }

    /** The store could not answer and the cache cannot vouch: 503. */
    record Unavailable() implements AuthDecision {
    }
}
