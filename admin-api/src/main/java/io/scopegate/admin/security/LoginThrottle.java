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
 * up to {@code max-lockout}; a success ends the series and forgets the locks. An address is blocked
 * after {@code max-failures-per-address} failures within {@code address-window}, until the window
 * ends. Each attempt is counted before its password is checked, and given back when it succeeds, so
 * simultaneous attempts cannot overrun a limit. While locked, even the right password is refused: the
 * lock must not be an oracle. Anyone can keep a user locked by failing as them, as with any lockout
 * (documented in the README's security notes): the lock is at most {@code max-lockout} at a time.
 */
@Component
class LoginThrottle {

    /**
     * A sign-in attempt, counted before its password is checked (so simultaneous attempts cannot
     * overrun the budget): which locks it started, for the audit.
     */
    record Attempt(String user, String address, boolean lockedUser, boolean blockedAddress, Duration lockedFor) {}

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

    /**
     * Starts an attempt: refused (how long to wait) while the user or the address is locked; else
     * counted as a failure until {@link #succeeded} says otherwise. The attempt that reaches a limit is
     * still checked, and starts the lock; those after it wait.
     */
    Result begin(String username, String address) {
        Instant now = clock.instant();
        bound(now);
        // Each check and count is one atomic step per key, so simultaneous attempts cannot all pass.
        Duration[] addressWait = {null};
        AddressState from = address == null
                ? null
                : addresses.compute(address, (k, old) -> {
                    if (old != null && old.windowEnds().isAfter(now)) {
                        if (old.failures() >= settings.maxFailuresPerAddress()) {
                            addressWait[0] = Duration.between(now, old.windowEnds());
                            return old;
                        }
                        return new AddressState(old.failures() + 1, old.windowEnds());
                    }
                    return new AddressState(1, now.plus(settings.addressWindow()));
                });
        if (addressWait[0] != null) {
            return new Result(Optional.of(addressWait[0]), null);
        }
        Duration[] userWait = {null};
        UserState user = users.compute(key(username), (k, old) -> {
            if (old != null && old.lockedUntil() != null && old.lockedUntil().isAfter(now)) {
                userWait[0] = Duration.between(now, old.lockedUntil());
                return old;
            }
            // After a lock ends a new series starts; the lock count stays, so the next lock is longer.
            int failures = (old == null || old.lockedUntil() != null ? 0 : old.failures()) + 1;
            int locks = old == null ? 0 : old.locks();
            return failures >= settings.maxFailuresPerUser()
                    ? new UserState(failures, locks + 1, now.plus(lockout(locks + 1)))
                    : new UserState(failures, locks, null);
        });
        if (userWait[0] != null) {
            if (address != null) {
                release(address); // refused without a check: not an attempt on the address's budget
            }
            return new Result(Optional.of(userWait[0]), null);
        }
        boolean lockedUser = user.lockedUntil() != null;
        boolean blockedAddress = from != null && from.failures() == settings.maxFailuresPerAddress();
        Duration lockedFor = lockedUser ? Duration.between(now, user.lockedUntil()) : null;
        if (blockedAddress) {
            Duration window = Duration.between(now, from.windowEnds());
            lockedFor = lockedFor == null || window.compareTo(lockedFor) > 0 ? window : lockedFor;
        }
        return new Result(Optional.empty(), new Attempt(username, address, lockedUser, blockedAddress, lockedFor));
    }

    /** What {@link #begin} decided: wait, or go ahead with this attempt. */
    record Result(Optional<Duration> waitFor, Attempt attempt) {}

    /**
     * The password was right: the user's series ends (its locks too: a success proves the owner is
     * back), and the attempt is taken off the address's count.
     */
    void succeeded(Attempt attempt) {
        users.remove(key(attempt.user()));
        if (attempt.address() != null) {
            release(attempt.address());
        }
    }

    private void release(String address) {
        addresses.computeIfPresent(
                address,
                (k, old) -> old.failures() <= 1 ? null : new AddressState(old.failures() - 1, old.windowEnds()));
    }

    private Duration lockout(int locks) {
        Duration wait = settings.lockout().multipliedBy(1L << Math.min(locks - 1, 20));
        return wait.compareTo(settings.maxLockout()) > 0 ? settings.maxLockout() : wait;
    }

    private void bound(Instant now) {
        if (users.size() > MAX_TRACKED) {
            users.entrySet()
                    .removeIf(e -> e.getValue().lockedUntil() == null
                            || e.getValue().lockedUntil().isBefore(now));
        }
        if (addresses.size() > MAX_TRACKED) {
            addresses.entrySet().removeIf(e -> e.getValue().windowEnds().isBefore(now));
        }
    }

    /**
     * Usernames are case-sensitive in the store; throttle them case-insensitively so case games do not
     * help. No user's name is over 64 characters: longer ones are cut, so a key never holds much memory.
     */
    private static String key(String username) {
        String name = username == null ? "" : username.toLowerCase(Locale.ROOT);
        return name.length() <= 64 ? name : name.substring(0, 64) + "…" + name.length();
    }
}
