package io.scopegate.gateway.limit;

import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Instant;

/** The injected clock as Bucket4j's time source, so tests decide when buckets and budgets refill. */
record ClockTime(Clock clock) implements TimeMeter {

    @Override
    public long currentTimeNanos() {
        Instant now = clock.instant();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    @Override
    public boolean isWallClockBased() {
        return true;
    }
}
