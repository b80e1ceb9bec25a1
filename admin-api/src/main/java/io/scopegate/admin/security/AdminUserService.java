package io.scopegate.admin.security;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.account.ContactEmail;
import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.error.ApiProblem;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Creates or replaces admin users, with the audit row in the same transaction; at least one operator remains. */
@Service
class AdminUserService {

    static final int MAX_PASSWORD_BYTES = 72;

    /** {@code email}: required for account users, who may be a token's primary contact; unique. */
    record SaveUser(
            @NotNull @Size(min = 12, max = 72) String password,
            @NotNull AdminRole role,
            String account,
            @ContactEmail String email) {
        @Override
        public String toString() {
            return "SaveUser[role=" + role + ", account=" + account + "]";
        }
    }

    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9._@-]{3,64}");

    /** The actor of automated changes in the audit log; no person may take the name. */
    private static final String RESERVED = "system";

    private final AdminUserRepository users;
    private final AccountRepository accounts;
    private final PasswordEncoder encoder;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Clock clock;

    AdminUserService(
            AdminUserRepository users,
            AccountRepository accounts,
            PasswordEncoder encoder,
            ChangeLog changes,
            TransactionalOperator tx,
            Clock clock) {
        this.users = users;
        this.accounts = accounts;
        this.encoder = encoder;
        this.changes = changes;
        this.tx = tx;
        this.clock = clock;
    }

    /** Emits true when the user is new. An OPERATOR has no account; the account roles need one that exists. */
    Mono<Boolean> save(Actor actor, String username, SaveUser request) {
        if (!USERNAME.matcher(username).matches()) {
            return Mono.error(ApiProblem.invalid("username", "must be 3 to 64 letters, digits or . _ @ -"));
        }
        if (RESERVED.equalsIgnoreCase(username)) {
            return Mono.error(ApiProblem.invalid("username", "is reserved: the audit log names automated changes so"));
        }
        if (request.password().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PASSWORD_BYTES) {
            // bcrypt reads at most 72 bytes and refuses more: counted in bytes, not characters.
            return Mono.error(ApiProblem.invalid(
                    "password",
                    "must be at most " + MAX_PASSWORD_BYTES + " bytes in UTF-8 (at most 72 ASCII characters)"));
        }
        boolean operator = request.role() == AdminRole.OPERATOR;
        if (operator && request.account() != null) {
            return Mono.error(ApiProblem.invalid("account", "must be absent for an OPERATOR"));
        }
        if (!operator && request.account() == null) {
            return Mono.error(ApiProblem.invalid("account", "is required for " + request.role()));
        }
        if (!operator && request.email() == null) {
            return Mono.error(ApiProblem.invalid("email", "is required for " + request.role()));
        }
        Mono<Void> checked =
                operator ? Mono.empty() : accountExists(request.account()).then(keepOneOperator(username));
        return tx.transactional(checked.then(hash(request.password()))
                        .flatMap(encoded -> users.save(
                                username, encoded, request.role(), request.account(), request.email(), clock.instant()))
                        .flatMap(created ->
                                recordSaved(actor, username, request, created).thenReturn(created)))
                .onErrorMap(
                        DuplicateKeyException.class,
                        duplicate -> ApiProblem.conflict(
                                "Email in use", "Another admin user already has the email " + request.email()));
    }

    private Mono<Void> accountExists(String account) {
        return accounts.find(account)
                .switchIfEmpty(Mono.defer(() -> Mono.error(ApiProblem.invalid("account", "no such account"))))
                .then();
    }

    /** bcrypt is deliberately slow: keep it off the event loop. */
    private Mono<String> hash(String password) {
        return Mono.fromCallable(() -> encoder.encode(password)).subscribeOn(Schedulers.boundedElastic());
    }

    /** Demoting the last operator would lock everyone out of the platform. */
    private Mono<Void> keepOneOperator(String username) {
        return users.find(username)
                .filter(existing -> existing.role() == AdminRole.OPERATOR)
                .flatMap(existing -> users.countOperatorsOtherThan(username))
                .filter(others -> others == 0)
                .flatMap(none -> Mono.error(ApiProblem.conflict(
                        "Last operator",
                        "At least one OPERATOR must remain; create another before demoting " + username)));
    }

    private Mono<Void> recordSaved(Actor actor, String username, SaveUser request, boolean created) {
        return changes.record(
                actor,
                AuditAction.ADMIN_USER_SAVED,
                request.account(),
                username,
                Map.of("username", username, "role", request.role().name(), "created", created));
    }
}
