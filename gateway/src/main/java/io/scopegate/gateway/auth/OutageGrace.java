package io.scopegate.gateway.auth;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.revocation.StoreSync;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Whether a cached "yes" may still be believed: the last successful sync with the store is at most
 * {@code outage-grace} old. Past that a revocation may have been missed, so the gateway fails closed
 * (503) for tokens it would otherwise let through; a cached "no" stays a no whatever the age.
 */
@Component
class OutageGrace {

    private final Supplier<Instant> lastSuccessfulSync;
    private final Duration grace;

    @Autowired
    OutageGrace(StoreSync sync, GatewaySettings settings) {
        this(sync::lastSuccessfulSync, settings.outageGrace());
    }

    OutageGrace(Supplier<Instant> lastSuccessfulSync, Duration grace) {
        this.lastSuccessfulSync = lastSuccessfulSync;
        this.grace = grace;
    }

    /** Until when a cached "yes" is believed if no sync succeeds meanwhile; null before the first sync. */
    Instant trustedUntil() {
        Instant last = lastSuccessfulSync.get();
        return last == null ? null : last.plus(grace);
    }

    boolean vouchesAt(Instant now) {
        Instant last = lastSuccessfulSync.get();
        return last != null && Duration.between(last, now).compareTo(grace) <= 0;
    }
}
