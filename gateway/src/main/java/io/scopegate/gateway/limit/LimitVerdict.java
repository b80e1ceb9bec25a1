package io.scopegate.gateway.limit;

import java.time.Duration;
import org.springframework.http.HttpHeaders;

/**
 * What a limited token's request got: admitted, or refused by its rate or by a quota, and the state of
 * its most constraining window for the {@code RateLimit-*} headers (IETF draft
 * draft-ietf-httpapi-ratelimit-headers, the form with one header per field). Of the rate, the day and
 * the month, the headline window is the one with the fewest requests left (the later reset on a tie).
 *
 * @param refusal    none, the rate (429 too-many-requests) or a quota (429 quota-exceeded)
 * @param retryAfter for a refusal, how long until a request could pass; zero otherwise
 * @param limit      the headline window's size: the burst for the rate, the quota for a day or month
 * @param remaining  requests left in that window now
 * @param reset      seconds until that window is whole again (the bucket full, the day or month over)
 * @param policy     every window of the token, e.g. {@code 100;w=1;burst=200, 10000;w=86400}
 */
public record LimitVerdict(
        Refusal refusal, Duration retryAfter, long limit, long remaining, long reset, String policy) {

    public enum Refusal {
        NONE,
        RATE,
        QUOTA
    }

    public static final String LIMIT = "RateLimit-Limit";
    public static final String REMAINING = "RateLimit-Remaining";
    public static final String RESET = "RateLimit-Reset";
    public static final String POLICY = "RateLimit-Policy";

    public boolean admitted() {
        return refusal == Refusal.NONE;
    }

    /** Set (not added): on a forwarded response these replace any the upstream sent, which would be about another limit. */
    public void writeHeaders(HttpHeaders headers) {
        headers.set(LIMIT, Long.toString(limit));
        headers.set(REMAINING, Long.toString(remaining));
        headers.set(RESET, Long.toString(reset));
        headers.set(POLICY, policy);
    }
}
