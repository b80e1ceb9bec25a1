package io.scopegate.admin.security;

import io.scopegate.store.credential.KeyedHasher;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.stereotype.Component;

/**
 * Admin credentials whose bcrypt check passed within {@code scopegate.login.remember-verified} (5 min),
 * so scripts calling the admin API hundreds of times in a row pay the deliberately slow check once, not
 * on every call (issue 17). Kept in memory only, under a keyed hash (HMAC with the server's key) of the
 * user name and password, never the password itself, next to the stored bcrypt hash they were checked
 * against. A call is recognised only while the user, loaded fresh from the store as for every call,
 * still has that very hash and is enabled: a password change (a new hash, on whichever replica it was
 * made), a removal or a disabled user is forgotten at once, and the role is always the current one. A
 * wrong password is never in here, so it pays the full check and the login throttle.
 */
@Component
class VerifiedCredentials {

    /** Beyond this many, expired entries go, and if that is not enough, all: a bound, not a policy. */
    static final int MAX_ENTRIES = 10_000;

    private record Verified(String passwordHash, Instant until) {}

    private final Map<String, Verified> remembered = new ConcurrentHashMap<>();
    private final KeyedHasher hasher;
    private final LoginThrottleSettings settings;
    private final Clock clock;

    VerifiedCredentials(KeyedHasher hasher, LoginThrottleSettings settings, Clock clock) {
        this.hasher = hasher;
        this.settings = settings;
        this.clock = clock;
    }

    /** Whether this user's current password hash was verified with this password lately. */
    boolean recognises(String username, String password, UserDetails user) {
        if (settings.rememberVerified().isZero() || !user.isEnabled()) {
            return false;
        }
        Verified verified = remembered.get(key(username, password));
        return verified != null
                && verified.until().isAfter(clock.instant())
                && MessageDigest.isEqual(bytes(verified.passwordHash()), bytes(user.getPassword()));
    }

    /** After a bcrypt check passed for this user's current hash. */
    void remember(String username, String password, UserDetails user) {
        if (settings.rememberVerified().isZero()) {
            return;
        }
        Instant now = clock.instant();
        if (remembered.size() >= MAX_ENTRIES) {
            remembered.values().removeIf(verified -> !verified.until().isAfter(now));
            if (remembered.size() >= MAX_ENTRIES) {
                remembered.clear();
            }
        }
        remembered.put(
                key(username, password), new Verified(user.getPassword(), now.plus(settings.rememberVerified())));
    }

    /** A user name holds no control character (AdminAuthentication checks), so the NUL separates them. */
    private String key(String username, String password) {
        return Base64.getEncoder().encodeToString(hasher.hash(username + '\u0000' + password));
    }

    private static byte[] bytes(String text) {
        return text == null ? new byte[0] : text.getBytes(StandardCharsets.UTF_8);
    }
}
