package io.scopegate.admin.security;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Failed sign-ins, per username and per client address, in this replica's memory (with N replicas an
 * attacker gets at most N times the budget; see the README's security notes). A user is locked after
 * {@code max-failures-per-user} failures in a row, for {@code lockout}, doubling with each further lock
 * up to {@code max-lockout}; a success ends the series. An address is blocked after
 * {@code max-failures-per-address} failures within {@code address-window}, until the window ends.
 * While locked, even the right password is refused: the lock must not be an oracle.
 */
@Component
class LoginThrottle {

    /** What one failure did: whether it started a lock, and for how long. */
    record Failure(boolean locked, String who, Duration lockedFor) {}

    private record UserState(int failures, int locks, Instant lockedUntil) {}

    private record AddressState(int failures, Instant windowEnds) {}

    /** Beyond this many tracked names or addresses, the oldest state is dropped (memory stays bounded). */
    private static final int MAX_TRACKED = 100_000;

    private final ConcurrentHashMap<String, UserState> users = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AddressState> addresses = new ConcurrentHashMap<>();
    private final LoginThrottleSettings settings;
    private final Clock clock;

    LoginThrottle(LoginThrottleSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
    }

    /** How long this user or address must still wait, if either is locked. */
    Optional<Duration> wait(String username, String address) {
        Instant now = clock.instant();
        Duration longest = Duration.ZERO;
        UserState user = users.get(key(username));
        if (user != null && user.lockedUntil() != null && user.lockedUntil().isAfter(now)) {
            longest = Duration.between(now, user.lockedUntil());
        }
        AddressState from = address == null ? null : addresses.get(address);
        if (from != null
                && from.failures() >= settings.maxFailuresPerAddress()
                && from.windowEnds().isAfter(now)) {
            Duration addressWait = Duration.between(now, from.windowEnds());
            longest = addressWait.compareTo(longest) > 0 ? addressWait : longest;
        }
        return longest.isZero() ? Optional.empty() : Optional.of(longest);
    }

    /** Counts a failure; says whether it started a lock (the moment to audit), and which. */
    Failure failed(String username, String address) {
        Instant now = clock.instant();
        bound();
        UserState user = users.compute(key(username), (k, old) -> {
            int failures = (old == null ? 0 : old.failures()) + 1;
            int locks = old == null ? 0 : old.locks();
            return failures >= settings.maxFailuresPerUser()
                    ? new UserState(0, locks + 1, now.plus(lockout(locks + 1)))
                    : new UserState(failures, locks, old == null ? null : old.lockedUntil());
        });
        if (address != null) {
            AddressState from = addresses.compute(
                    address,
                    (k, old) -> old != null && old.windowEnds().isAfter(now)
                            ? new AddressState(old.failures() + 1, old.windowEnds())
                            : new AddressState(1, now.plus(settings.addressWindow())));
            if (from.failures() == settings.maxFailuresPerAddress()) {
                return new Failure(true, "address", Duration.between(now, from.windowEnds()));
            }
        }
        boolean userLocked = user.failures() == 0
                && user.lockedUntil() != null
                && user.lockedUntil().isAfter(now);
        return userLocked
                ? new Failure(true, "user", Duration.between(now, user.lockedUntil()))
                : new Failure(false, null, null);
    }

    /** A success ends the user's series of failures (not the address's: one good password among many). */
    void succeeded(String username) {
        users.computeIfPresent(key(username), (k, old) -> new UserState(0, old.locks(), null));
    }

    private Duration lockout(int locks) {
        Duration wait = settings.lockout().multipliedBy(1L << Math.min(locks - 1, 20));
        return wait.compareTo(settings.maxLockout()) > 0 ? settings.maxLockout() : wait;
    }

    private void bound() {
        if (users.size() > MAX_TRACKED) {
            Instant now = clock.instant();
            users.entrySet()
                    .removeIf(e -> e.getValue().lockedUntil() == null
                            || e.getValue().lockedUntil().isBefore(now));
        }
        if (addresses.size() > MAX_TRACKED) {
            Instant now = clock.instant();
            addresses.entrySet().removeIf(e -> e.getValue().windowEnds().isBefore(now));
        }
    }

    /** Usernames are case-sensitive in the store; throttle them case-insensitively so case games do not help. */
    private static String key(String username) {
        return username == null ? "" : username.toLowerCase(Locale.ROOT);
    }
}
