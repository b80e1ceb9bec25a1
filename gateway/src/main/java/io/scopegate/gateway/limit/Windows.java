package io.scopegate.gateway.limit;

import io.scopegate.gateway.token.CachedToken;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the counts of one decision (a bucket's level, the day's and month's uses) into its
 * {@link LimitVerdict}. Both backends count; this one class words the result, so the headers mean the
 * same whichever backend counted. Quota periods are UTC days and UTC calendar months.
 */
final class Windows {

    private static final long SECONDS_PER_DAY = 86_400;

    private Windows() {}

    /**
     * @param rate      the token's bucket after this request, or null without a rate limit
     * @param dayUsed   requests counted today, this one included when admitted
     * @param monthUsed requests counted this month, likewise
     * @param now       the counting clock's time (Redis's for the shared backend)
     */
    static LimitVerdict verdict(
            LimitVerdict.Refusal refusal,
            Level rate,
            CachedToken.Quota quota,
            long dayUsed,
            long monthUsed,
            Instant now) {
        List<Window> windows = new ArrayList<>(3);
        List<String> policy = new ArrayList<>(3);
        Duration retryAfter = Duration.ZERO;
        if (rate != null) {
            double perSecond = (double) rate.requests() / rate.seconds();
            double missing = Math.max(0, rate.burst() - rate.tokens());
            windows.add(new Window(
                    rate.burst(), (long) Math.floor(Math.max(0, rate.tokens())), ceilSeconds(missing / perSecond)));
            policy.add(rate.requests() + ";w=" + rate.seconds() + ";burst=" + rate.burst());
            if (refusal == LimitVerdict.Refusal.RATE) {
                retryAfter = untilOneToken(rate.tokens(), perSecond);
            }
        }
        if (quota != null && quota.perDay() != null) {
            long reset = secondsToNextDay(now);
            windows.add(new Window(quota.perDay(), Math.max(0, quota.perDay() - dayUsed), reset));
            policy.add(quota.perDay() + ";w=" + SECONDS_PER_DAY);
            if (refusal == LimitVerdict.Refusal.QUOTA && dayUsed >= quota.perDay()) {
                retryAfter = max(retryAfter, Duration.ofSeconds(reset));
            }
        }
        if (quota != null && quota.perMonth() != null) {
            long reset = secondsToNextMonth(now);
            windows.add(new Window(quota.perMonth(), Math.max(0, quota.perMonth() - monthUsed), reset));
            policy.add(quota.perMonth() + ";w=" + monthSeconds(now));
            if (refusal == LimitVerdict.Refusal.QUOTA && monthUsed >= quota.perMonth()) {
                retryAfter = max(retryAfter, Duration.ofSeconds(reset));
            }
        }
        Window headline = windows.get(0);
        for (Window window : windows) {
            if (window.remaining < headline.remaining
                    || (window.remaining == headline.remaining && window.reset > headline.reset)) {
                headline = window;
            }
        }
        return new LimitVerdict(
                refusal, retryAfter, headline.limit, headline.remaining, headline.reset, String.join(", ", policy));
    }

    /** How long a bucket holding {@code tokens}, refilled at {@code perSecond}, takes to hold one; at least 1 ns. */
    static Duration untilOneToken(double tokens, double perSecond) {
        double wait = Math.max(0, 1 - tokens) / perSecond;
        return Duration.ofNanos(Math.max(1, (long) Math.ceil(wait * 1e9)));
    }

    static long secondsToNextDay(Instant now) {
        return SECONDS_PER_DAY - Math.floorMod(now.getEpochSecond(), SECONDS_PER_DAY);
    }

    static long secondsToNextMonth(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Instant next = today.withDayOfMonth(1)
                .plusMonths(1)
                .atStartOfDay(ZoneOffset.UTC)
                .toInstant();
        return Math.max(1, next.getEpochSecond() - now.getEpochSecond());
    }

    /** The current month's length: the window a monthly quota covers (28 to 31 days). */
    static long monthSeconds(Instant now) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).lengthOfMonth() * SECONDS_PER_DAY;
    }

    private static long ceilSeconds(double seconds) {
        return (long) Math.ceil(seconds - 1e-9);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private record Window(long limit, long remaining, long reset) {}

    /**
     * A token bucket as it stands after one decision: {@code requests} per {@code seconds} refill it up
     * to {@code burst}; {@code tokens} are left (fractional with Redis, whole with Bucket4j). A replica's
     * share while Redis is away is {@code rate} per {@code replicas} seconds.
     */
    record Level(long requests, long seconds, long burst, double tokens) {}
}
