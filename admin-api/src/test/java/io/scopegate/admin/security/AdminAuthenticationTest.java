package io.scopegate.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.scopegate.admin.MutableClock;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.store.credential.KeyedHasher;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.core.publisher.Mono;

/**
 * A sign-in the store could not check is no failure of the user's and no check left under way: an
 * outage with clients retrying must not lock the operator out once the store is back (found by the
 * chaos suite, issue 15). A password verified lately is recognised without another bcrypt check, but
 * never past a change of password, role, state or existence (issue 17).
 */
class AdminAuthenticationTest {

    /** bcrypt that counts its checks, to see which sign-ins paid for one. */
    static final class CountingEncoder extends BCryptPasswordEncoder {
        final AtomicInteger checks = new AtomicInteger();

        CountingEncoder() {
            super(4);
        }

        @Override
        protected boolean matchesNonNull(String raw, String encoded) {
            checks.incrementAndGet();
            return super.matchesNonNull(raw, encoded);
        }
    }

    private final AdminUserDetailsService users = mock(AdminUserDetailsService.class);
    private final CountingEncoder passwords = new CountingEncoder();
    private final LoginThrottleSettings settings = new LoginThrottleSettings(
            10, Duration.ofMinutes(1), Duration.ofMinutes(15), 50, Duration.ofMinutes(10), Duration.ofMinutes(5));
    private final MutableClock clock = new MutableClock();
    private final LoginThrottle throttle = new LoginThrottle(settings, clock);
    private final AdminAuthentication authentication = new AdminAuthentication(
            users,
            passwords,
            throttle,
            mock(ChangeLog.class),
            new ClientAddresses(new ClientAddresses.Settings(List.of())),
            new VerifiedCredentials(new KeyedHasher(new byte[32]), settings, clock));

    @Test
    void lookupsTheStoreFailedDoNotCountAgainstTheUser() {
        when(users.findByUsername("ops"))
                .thenReturn(Mono.error(new DataAccessResourceFailureException("connection refused")));
        for (int i = 0; i < 15; i++) {
            assertThatThrownBy(() -> signIn("ops", "right-password").block(Duration.ofSeconds(10)))
                    .as("attempt %d while the store is away", i + 1)
                    .isInstanceOf(DataAccessResourceFailureException.class);
        }

        when(users.findByUsername("ops"))
                .thenReturn(Mono.just(User.withUsername("ops")
                        .password(passwords.encode("right-password"))
                        .roles("OPERATOR")
                        .build()));
        Authentication signedIn = signIn("ops", "right-password").block(Duration.ofSeconds(10));
        assertThat(signedIn).isNotNull();
        assertThat(signedIn.isAuthenticated()).isTrue();
    }

    @Test
    void aVerifiedPasswordIsRecognisedWithoutAnotherBcryptCheckUntilItChangesOrExpires() {
        user("ops", "first-password", "OPERATOR", true);
        assertThat(signedIn("ops", "first-password")).isTrue();
        int afterFirst = passwords.checks.get();
        for (int i = 0; i < 5; i++) {
            assertThat(signedIn("ops", "first-password")).isTrue();
        }
        assertThat(passwords.checks.get())
                .as("no bcrypt for a credential verified lately")
                .isEqualTo(afterFirst);

        assertThat(signedIn("ops", "wrong-password")).as("a wrong password").isFalse();
        assertThat(passwords.checks.get()).as("a wrong one pays the full check").isEqualTo(afterFirst + 1);

        // The role comes from the store on every call: a demotion applies at once.
        user("ops", null, "ACCOUNT_ADMIN", true);
        assertThat(signIn("ops", "first-password").block(Duration.ofSeconds(10)).getAuthorities())
                .extracting(Object::toString)
                .containsExactly("ROLE_ACCOUNT_ADMIN");

        // A new password (on any replica: a new stored hash) forgets the old one at once.
        user("ops", "second-password", "OPERATOR", true);
        assertThat(signedIn("ops", "first-password")).isFalse();
        assertThat(signedIn("ops", "second-password")).isTrue();

        // Disabled or removed: refused, whatever was verified.
        user("ops", null, "OPERATOR", false);
        assertThat(signedIn("ops", "second-password")).isFalse();
        user("ops", null, "OPERATOR", true);
        assertThat(signedIn("ops", "second-password")).isTrue();
        when(users.findByUsername("ops")).thenReturn(Mono.empty());
        assertThat(signedIn("ops", "second-password")).isFalse();

        // And it is recognised only for remember-verified.
        user("ops", null, "OPERATOR", true);
        assertThat(signedIn("ops", "second-password")).isTrue();
        int beforeExpiry = passwords.checks.get();
        clock.advance(Duration.ofMinutes(6));
        assertThat(signedIn("ops", "second-password")).isTrue();
        assertThat(passwords.checks.get()).isEqualTo(beforeExpiry + 1);
    }

    private String currentHash;

    /** The user as the store has it now; a null password keeps the current hash. */
    private void user(String username, String password, String role, boolean enabled) {
        if (password != null) {
            currentHash = passwords.encode(password);
        }
        when(users.findByUsername(username))
                .thenReturn(Mono.just(User.withUsername(username)
                        .password(currentHash)
                        .roles(role)
                        .disabled(!enabled)
                        .build()));
    }

    private boolean signedIn(String username, String password) {
        try {
            Authentication result = signIn(username, password).block(Duration.ofSeconds(10));
            return result != null && result.isAuthenticated();
        } catch (BadCredentialsException refused) {
            return false;
        }
    }

    private Mono<Authentication> signIn(String username, String password) {
        return authentication.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(username, password));
    }
}
