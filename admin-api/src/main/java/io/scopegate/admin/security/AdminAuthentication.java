package io.scopegate.admin.security;

import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.security.authentication.BadCredentialsException;
import org.springframework.security.authentication.ReactiveAuthenticationManager;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Checks an admin user's password, for HTTP Basic and the console's sign-in alike, throttled by
 * {@link LoginThrottle}: a locked user or address is refused before any password is checked (429 with
 * {@code Retry-After} on the API), and the moment a lock starts is audited ({@code LOGIN_THROTTLED}).
 * An unknown user costs the same password check as a known one, so timing does not tell which names
 * exist. Passwords over 72 bytes (bcrypt's limit) are simply wrong, never an error. The check runs
 * off the event loop.
 */
@Component
class AdminAuthentication implements ReactiveAuthenticationManager {

    private static final Logger log = LoggerFactory.getLogger(AdminAuthentication.class);
    private static final int MAX_PASSWORD_BYTES = 72;

    /** Refused because of too many failures: the API answers 429, the console says to wait. */
    static final class LoginThrottled extends AuthenticationException {
        private final transient Duration wait;

        LoginThrottled(Duration wait) {
            super("Too many failed sign-ins; try again in " + Math.max(1, wait.toSeconds()) + " s");
            this.wait = wait;
        }

        long retryAfterSeconds() {
            return Math.max(1, (wait.toMillis() + 999) / 1000);
        }
    }

    private final AdminUserDetailsService users;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final ChangeLog changes;
    /** The hash an unknown user's password is checked against: as costly as a real one. */
    private final String decoyHash;

    AdminAuthentication(
            AdminUserDetailsService users, PasswordEncoder passwords, LoginThrottle throttle, ChangeLog changes) {
        this.users = users;
        this.passwords = passwords;
        this.throttle = throttle;
        this.changes = changes;
        this.decoyHash = passwords.encode("scopegate-decoy-password-for-unknown-users");
    }

    @Override
    public Mono<Authentication> authenticate(Authentication attempt) {
        String username = attempt.getName();
        String password =
                attempt.getCredentials() == null ? "" : attempt.getCredentials().toString();
        return clientAddress().flatMap(address -> {
            Optional<Duration> wait = throttle.wait(username, address.orElse(null));
            if (wait.isPresent()) {
                return Mono.error(new LoginThrottled(wait.get()));
            }
            return users.findByUsername(username)
                    .map(Optional::of)
                    .defaultIfEmpty(Optional.empty())
                    .flatMap(user -> Mono.fromCallable(() -> matches(password, user))
                            .subscribeOn(Schedulers.boundedElastic())
                            .flatMap(matched -> matched
                                    ? succeeded(username, user.get())
                                    : failed(username, address.orElse(null))));
        });
    }

    private boolean matches(String password, Optional<UserDetails> user) {
        String hash = user.map(UserDetails::getPassword).orElse(decoyHash);
        if (password.getBytes(StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            passwords.matches("", hash); // the same work, and never bcrypt's exception
            return false;
        }
        try {
            return passwords.matches(password, hash)
                    && user.isPresent()
                    && user.get().isEnabled();
        } catch (IllegalArgumentException unusable) {
            return false;
        }
    }

    private Mono<Authentication> succeeded(String username, UserDetails user) {
        throttle.succeeded(username);
        return Mono.just(
                UsernamePasswordAuthenticationToken.authenticated(user, user.getPassword(), user.getAuthorities()));
    }

    private Mono<Authentication> failed(String username, String address) {
        LoginThrottle.Failure failure = throttle.failed(username, address);
        Mono<Void> audit = failure.locked() ? audit(username, address, failure) : Mono.empty();
        return audit.then(Mono.error(new BadCredentialsException("Invalid username or password")));
    }

    private Mono<Void> audit(String username, String address, LoginThrottle.Failure failure) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("throttled", failure.who());
        // The name as typed (it may not exist), cut and without control characters.
        details.put("username", printable(username));
        details.put("retryAfterSeconds", Math.max(1, failure.lockedFor().toSeconds()));
        log.warn(
                "sign-ins throttled for this {} after repeated failures ({} s)",
                failure.who(),
                failure.lockedFor().toSeconds());
        return changes.record(
                        new Actor("anonymous", null, null, address), AuditAction.LOGIN_THROTTLED, null, null, details)
                .timeout(Duration.ofSeconds(5))
                .onErrorResume(error -> {
                    log.warn("LOGIN_THROTTLED not audited: {}", error.toString());
                    return Mono.empty();
                });
    }

    private static String printable(String text) {
        String clean = text == null ? "" : text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }

    private static Mono<Optional<String>> clientAddress() {
        return Mono.deferContextual(context -> Mono.just(context.<ServerWebExchange>getOrEmpty(ServerWebExchange.class)
                .map(exchange -> exchange.getRequest().getRemoteAddress())
                .map(InetSocketAddress::getAddress)
                .map(java.net.InetAddress::getHostAddress)));
    }
}
