package io.scopegate.admin.security;

import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.input.ControlCharacters;
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
 * off the event loop, and a password verified lately is recognised without it ({@link VerifiedCredentials}).
 */
@Component
class AdminAuthentication implements ReactiveAuthenticationManager {

    private static final Logger log = LoggerFactory.getLogger(AdminAuthentication.class);
    private static final int MAX_PASSWORD_BYTES = 72;
    /**
     * How long an attempt waits for room among checks under way before it is told to retry (429):
     * well within the store deadline (scopegate.admin.store-timeout, 5 s), which would otherwise
     * answer a busy sign-in as if the store were away.
     */
    private static final Duration ADMISSION_WAIT = Duration.ofSeconds(2);

    /** Refused because of too many failures: the API answers 429, the console says to wait. */
    static final class LoginThrottled extends AuthenticationException {
        private final transient Duration wait;

        LoginThrottled(Duration wait) {
            super("Too many failed sign-ins; try again in " + Math.max(1, wait.toSeconds()) + " s");
            this.wait = wait;
        }

        long retryAfterSeconds() {
            return ApiProblem.retryAfterSeconds(wait);
        }
    }

    private final AdminUserDetailsService users;
    private final PasswordEncoder passwords;
    private final LoginThrottle throttle;
    private final ChangeLog changes;
    private final ClientAddresses addresses;
    private final VerifiedCredentials verified;
    /** The hash an unknown user's password is checked against: as costly as a real one. */
    private final String decoyHash;

    AdminAuthentication(
            AdminUserDetailsService users,
            PasswordEncoder passwords,
            LoginThrottle throttle,
            ChangeLog changes,
            ClientAddresses addresses,
            VerifiedCredentials verified) {
        this.addresses = addresses;
        this.verified = verified;
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
        return clientAddress()
                .flatMap(address ->
                        admitted(username, address.orElse(null), System.nanoTime() + ADMISSION_WAIT.toNanos()))
                .flatMap(counted -> {
                    // A name no user can have is never looked up (a NUL would reach PostgreSQL), but costs the same.
                    Mono<UserDetails> lookup =
                            possibleUsername(username) ? users.findByUsername(username) : Mono.empty();
                    return lookup.map(Optional::of)
                            .defaultIfEmpty(Optional.empty())
                            .flatMap(user -> user.isPresent() && verified.recognises(username, password, user.get())
                                    ? succeeded(counted, user.get())
                                    : Mono.fromCallable(() -> matches(password, user))
                                            .subscribeOn(Schedulers.boundedElastic())
                                            .flatMap(matched -> matched
                                                    ? verifiedNow(counted, username, password, user.get())
                                                    : failed(counted)))
                            // A client gone mid-check, or a check that could not be made (the store
                            // failed the lookup): no longer under way, and no failure of the user's.
                            // Left counted, such checks would lock the user out for good after ten.
                            .doOnError(error -> {
                                if (!(error instanceof BadCredentialsException)) {
                                    throttle.abandoned(counted);
                                }
                            })
                            .doOnCancel(() -> throttle.abandoned(counted));
                });
    }

    /**
     * Admission to a password check: refused while locked; while the budget is full of checks under
     * way, asked again every few milliseconds (a burst of right passwords goes through as each check
     * ends), for up to {@link #ADMISSION_WAIT}.
     */
    private Mono<LoginThrottle.Attempt> admitted(String username, String address, long giveUpAt) {
        LoginThrottle.Result result = throttle.begin(username, address);
        if (result.waitFor().isPresent()) {
            return Mono.error(new LoginThrottled(result.waitFor().get()));
        }
        if (!result.busy()) {
            return Mono.just(result.attempt());
        }
        if (System.nanoTime() - giveUpAt > 0) {
            return Mono.error(new LoginThrottled(Duration.ofSeconds(1)));
        }
        return Mono.delay(Duration.ofMillis(20)).then(Mono.defer(() -> admitted(username, address, giveUpAt)));
    }

    private static boolean possibleUsername(String username) {
        return username != null
                && !username.isEmpty()
                && username.length() <= 64
                && !ControlCharacters.present(username);
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

    /** The password passed its bcrypt check: remembered, so the next calls need none for a while. */
    private Mono<Authentication> verifiedNow(
            LoginThrottle.Attempt attempt, String username, String password, UserDetails user) {
        verified.remember(username, password, user);
        return succeeded(attempt, user);
    }

    private Mono<Authentication> succeeded(LoginThrottle.Attempt attempt, UserDetails user) {
        throttle.succeeded(attempt);
        return Mono.just(
                UsernamePasswordAuthenticationToken.authenticated(user, user.getPassword(), user.getAuthorities()));
    }

    private Mono<Authentication> failed(LoginThrottle.Attempt attempt) {
        LoginThrottle.Failure failure = throttle.failed(attempt);
        Mono<Void> audit = failure.startedAny() ? audit(attempt, failure) : Mono.empty();
        return audit.then(Mono.error(new BadCredentialsException("Invalid username or password")));
    }

    private Mono<Void> audit(LoginThrottle.Attempt attempt, LoginThrottle.Failure failure) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put(
                "throttled",
                failure.lockedUser() && failure.blockedAddress()
                        ? "user and address"
                        : failure.lockedUser() ? "user" : "address");
        // The name as typed (it may not exist), cut and without control characters.
        details.put("username", printable(attempt.user()));
        details.put("retryAfterSeconds", Math.max(1, failure.lockedFor().toSeconds()));
        log.warn(
                "sign-ins throttled ({}) after repeated failures ({} s)",
                details.get("throttled"),
                failure.lockedFor().toSeconds());
        return changes.record(
                        new Actor("anonymous", null, null, attempt.address()),
                        AuditAction.LOGIN_THROTTLED,
                        null,
                        null,
                        details)
                .timeout(Duration.ofSeconds(5))
                .onErrorResume(error -> {
                    log.warn("LOGIN_THROTTLED not audited: {}", error.toString());
                    return Mono.empty();
                });
    }

    private static String printable(String text) {
        String clean = ControlCharacters.printable(text);
        return clean.length() > 64 ? clean.substring(0, 64) : clean;
    }

    private Mono<Optional<String>> clientAddress() {
        return Mono.deferContextual(context -> Mono.just(context.<ServerWebExchange>getOrEmpty(ServerWebExchange.class)
                .map(exchange -> addresses.of(exchange.getRequest()))));
    }
}
