package io.scopegate.store.token;

/**
 * Which of {@code token_usage_daily}'s outcomes used a token's quota: the requests that passed the
 * limits, whatever the upstream then did. The gateways count a quota this way and the admin API reports
 * and warns about it the same way, so "used 80 %" means what the next 429 will mean.
 */
public final class QuotaOutcomes {

    /** As the gateway's outcome tags spell them: allowed, and forwarded requests the upstream failed. */
    private static final String[] COUNTED_OUTCOMES = {"allowed", "upstream_error", "upstream_timeout"};

    private QuotaOutcomes() {}

    /** A fresh copy, ready to bind as a SQL array ({@code outcome = any(:outcomes)}). */
    public static String[] countedOutcomes() {
        return COUNTED_OUTCOMES.clone();
    }
}
