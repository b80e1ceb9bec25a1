package io.scopegate.admin.lifecycle;

import java.time.Duration;
import java.time.Instant;

/**
 * Advice in a response, e.g. {@code RESET} when a token comes back after a long time off: the
 * product's guidance is "when enabling a token, also reset it".
 */
public record Recommendation(String kind, String detail) {

    /**
     * The advice to reset a credential that was just enabled after {@code disabledSince}, or null when
     * it was off for no longer than {@code threshold} (or its disabling was never dated).
     *
     * @param resetPath where to reset it, e.g. {@code POST …/reset}
     */
    public static Recommendation resetAfterTimeOff(
            Instant disabledSince, Instant now, Duration threshold, String what, String resetPath) {
        if (disabledSince == null) {
            return null;
        }
        Duration off = Duration.between(disabledSince, now);
        if (off.compareTo(threshold) <= 0) {
            return null;
        }
        return new Recommendation(
                "RESET",
                "The " + what + " was disabled for " + off.toDays() + " days: reset its auth token before it is"
                        + " used again (" + resetPath + "), or enable with {\"reset\": true} next time");
    }
}
