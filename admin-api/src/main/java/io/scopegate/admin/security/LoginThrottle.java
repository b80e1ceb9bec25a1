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

    /** A sign-in attempt admitted to a password check; {@link #failed} or {@link #succeeded} ends it. */
    record Attempt(String user, String address) {}

    /** What a failed attempt started, for the audit: a user lock, an address block, for how long. */
    record Failure(boolean lockedUser, boolean blockedAddress, Duration lockedFor) {
        boolean startedAny() {
            return lockedUser || blockedAddress;
        }
    }

    /** What {@link #begin} decided: wait ({@code waitFor}), try again in a moment (both empty), or check. */
    record Result(Optional<Duration> waitFor, Attempt attempt) {
        boolean busy() {
            return waitFor.isEmpty() && attempt == null;
        }
    }

    /** Failures in a row, checks under way, and the lock. */
    private record UserState(int failures, int inFlight, int locks, Instant lockedUntil) {}

    private record AddressState(int failures, int inFlight, Instant windowEnds) {}

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
     * Admits an attempt to a password check unless the user is locked or the address blocked (then:
     * how long to wait). Checks under way count against what is left of the budget, so simultaneous
     * guesses cannot overrun it: when failures so far plus checks under way fill it, the attempt is
     * told to try again in a moment ({@link Result#busy()}) — right passwords finish quickly and make
     * room; wrong ones end in the lock.
     */
    Result begin(String username, String address) {
        Instant now = clock.instant();
        bound(now);
        Duration[] addressWait = {null};
        boolean[] addressBusy = {false};
        if (address != null) {
            addresses.compute(address, (k, old) -> {
                AddressState current = old == null || !old.windowEnds().isAfter(now)
                        ? new AddressState(0, old == null ? 0 : old.inFlight(), now.plus(settings.addressWindow()))
                        : old;
                if (current.failures() >= settings.maxFailuresPerAddress()) {
                    addressWait[0] = Duration.between(now, current.windowEnds());
                    return current;
                }
                if (current.failures() + current.inFlight() >= settings.maxFailuresPerAddress()) {
                    addressBusy[0] = true;
                    return current;
                }
                return new AddressState(current.failures(), current.inFlight() + 1, current.windowEnds());
            });
        }
        if (addressWait[0] != null) {
            return new Result(Optional.of(addressWait[0]), null);
        }
        if (addressBusy[0]) {
            return new Result(Optional.empty(), null);
        }
        Duration[] userWait = {null};
        boolean[] userBusy = {false};
        users.compute(key(username), (k, old) -> {
            UserState current = old == null ? new UserState(0, 0, 0, null) : old;
            if (current.lockedUntil() != null && current.lockedUntil().isAfter(now)) {
                userWait[0] = Duration.between(now, current.lockedUntil());
                return current;
            }
            if (current.lockedUntil() != null) {
                // The lock is over: a new series starts; the lock count stays, so the next lock is longer.
                current = new UserState(0, current.inFlight(), current.locks(), null);
            }
            if (current.failures() + current.inFlight() >= settings.maxFailuresPerUser()) {
                userBusy[0] = true;
                return current;
            }
            return new UserState(current.failures(), current.inFlight() + 1, current.locks(), null);
        });
        if (userWait[0] != null || userBusy[0]) {
            if (address != null) {
                endCheck(address, false, now); // not admitted: not a check on the address's budget
            }
            return new Result(userWait[0] == null ? Optional.empty() : Optional.of(userWait[0]), null);
        }
        return new Result(Optional.empty(), new Attempt(username, address));
    }

    /** The password was wrong: one more failure for the user and the address; says which locks started. */
    Failure failed(Attempt attempt) {
        Instant now = clock.instant();
        UserState user = users.compute(key(attempt.user()), (k, old) -> {
            UserState current = old == null ? new UserState(0, 1, 0, null) : old;
            int failures = current.failures() + 1;
            int inFlight = Math.max(0, current.inFlight() - 1);
            return failures >= settings.maxFailuresPerUser() && current.lockedUntil() == null
                    ? new UserState(failures, inFlight, current.locks() + 1, now.plus(lockout(current.locks() + 1)))
                    : new UserState(failures, inFlight, current.locks(), current.lockedUntil());
        });
        boolean lockedUser = user.failures() == settings.maxFailuresPerUser() && user.lockedUntil() != null;
        Duration lockedFor = lockedUser ? Duration.between(now, user.lockedUntil()) : null;
        boolean blockedAddress = false;
        if (attempt.address() != null) {
            AddressState from = endCheck(attempt.address(), true, now);
            blockedAddress = from != null && from.failures() == settings.maxFailuresPerAddress();
            if (blockedAddress) {
                Duration window = Duration.between(now, from.windowEnds());
                lockedFor = lockedFor == null || window.compareTo(lockedFor) > 0 ? window : lockedFor;
            }
        }
        return new Failure(lockedUser, blockedAddress, lockedFor);
    }

    /**
     * The password was right: the user's series ends (its locks too: a success proves the owner is
     * back); the address keeps its failures.
     */
    void succeeded(Attempt attempt) {
        users.computeIfPresent(
                key(attempt.user()),
                (k, old) -> old.inFlight() <= 1 ? null : new UserState(0, old.inFlight() - 1, 0, null));
        if (attempt.address() != null) {
            endCheck(attempt.address(), false, clock.instant());
        }
    }

    /** The caller went away before the check ended: no longer under way, neither failure nor success. */
    void abandoned(Attempt attempt) {
        users.computeIfPresent(
                key(attempt.user()),
                (k, old) -> old.inFlight() == 0
                        ? old
                        : new UserState(old.failures(), old.inFlight() - 1, old.locks(), old.lockedUntil()));
        if (attempt.address() != null) {
            endCheck(attempt.address(), false, clock.instant());
        }
    }

    private AddressState endCheck(String address, boolean failed, Instant now) {
        return addresses.computeIfPresent(address, (k, old) -> {
            AddressState ended = new AddressState(
                    old.failures() + (failed ? 1 : 0), Math.max(0, old.inFlight() - 1), old.windowEnds());
            return ended.failures() == 0 && ended.inFlight() == 0 ? null : ended;
        });
    }

    private Duration lockout(int locks) {
        Duration wait = settings.lockout().multipliedBy(1L << Math.min(locks - 1, 20));
        return wait.compareTo(settings.maxLockout()) > 0 ? settings.maxLockout() : wait;
    }

    private void bound(Instant now) {
        if (users.size() > MAX_TRACKED) {
            users.entrySet()
                    .removeIf(e -> e.getValue().inFlight() == 0
                            && (e.getValue().lockedUntil() == null
                                    || e.getValue().lockedUntil().isBefore(now)));
        }
        if (addresses.size() > MAX_TRACKED) {
            addresses
                    .entrySet()
                    .removeIf(e -> e.getValue().inFlight() == 0
                            && e.getValue().windowEnds().isBefore(now));
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
