package io.scopegate.admin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.scopegate.admin.audit.ChangeLog;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import reactor.core.publisher.Mono;

/**
 * A sign-in the store could not check is no failure of the user's and no check left under way: an
 * outage with clients retrying must not lock the operator out once the store is back (found by the
 * chaos suite, issue 15).
 */
class AdminAuthenticationTest {

    private final AdminUserDetailsService users = mock(AdminUserDetailsService.class);
    private final BCryptPasswordEncoder passwords = new BCryptPasswordEncoder(4);
    private final LoginThrottle throttle = new LoginThrottle(
            new LoginThrottleSettings(10, Duration.ofMinutes(1), Duration.ofMinutes(15), 50, Duration.ofMinutes(10)),
            Clock.systemUTC());
    private final AdminAuthentication authentication = new AdminAuthentication(
            users,
            passwords,
            throttle,
            mock(ChangeLog.class),
            new ClientAddresses(new ClientAddresses.Settings(List.of())));

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

    private Mono<Authentication> signIn(String username, String password) {
        return authentication.authenticate(UsernamePasswordAuthenticationToken.unauthenticated(username, password));
    }
}
