package io.scopegate.admin.security;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.error.ApiProblem;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** {@code PUT /v1/users/{username}}: operators create or replace admin users. */
@RestController
class AdminUserController {

    record SaveUser(@NotNull @Size(min = 12, max = 128) String password, @NotNull AdminRole role, String account) {
        @Override
        public String toString() {
            return "SaveUser[role=" + role + ", account=" + account + "]";
        }
    }

    record UserView(String username, AdminRole role, String account) {
    }

    private static final java.util.regex.Pattern USERNAME = java.util.regex.Pattern.compile("[A-Za-z0-9._@-]{3,64}");

    private final AdminUserRepository users;
    private final AccountRepository accounts;
    private final PasswordEncoder encoder;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Clock clock;

    AdminUserController(AdminUserRepository users, AccountRepository accounts, PasswordEncoder encoder, ChangeLog changes,
            TransactionalOperator tx, Clock clock) {
        this.users = users;
        this.accounts = accounts;
        this.encoder = encoder;
        this.changes = changes;
        this.tx = tx;
        this.clock = clock;
    }

    @PutMapping("/v1/users/{username}")
    Mono<ResponseEntity<UserView>> save(Actor actor, @PathVariable String username, @Valid @RequestBody SaveUser request) {
        if (!USERNAME.matcher(username).matches()) {
            return Mono.error(ApiProblem.invalid("username", "must be 3 to 64 letters, digits or . _ @ -"));
        }
        boolean operator = request.role() == AdminRole.OPERATOR;
        if (operator && request.account() != null) {
            return Mono.error(ApiProblem.invalid("account", "must be absent for an OPERATOR"));
        }
        if (!operator && request.account() == null) {
            return Mono.error(ApiProblem.invalid("account", "is required for " + request.role()));
        }
        Mono<Void> accountExists = operator ? Mono.empty() : accounts.find(request.account())
                .switchIfEmpty(Mono.defer(() -> Mono.error(ApiProblem.invalid("account", "no such account"))))
                .then();
        // bcrypt is deliberately slow: keep it off the event loop.
        Mono<String> hash = Mono.fromCallable(() -> encoder.encode(request.password()))
                .subscribeOn(Schedulers.boundedElastic());
        Mono<Boolean> saved = accountExists
                .then(operator ? Mono.empty() : keepOneOperator(username))
                .then(hash)
                .flatMap(encoded -> users.save(username, encoded, request.role(), request.account(), clock.instant()))
                .flatMap(created -> changes.record(actor, AuditAction.ADMIN_USER_SAVED, request.account(), username,
                                Map.of("username", username, "role", request.role().name(), "created", created))
                        .thenReturn(created));
        return tx.transactional(saved)
                .map(created -> ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                        .body(new UserView(username, request.role(), request.account())));
    }

    /** Demoting the last operator would lock everyone out of the platform. */
    private Mono<Void> keepOneOperator(String username) {
        return users.find(username)
                .filter(existing -> existing.role() == AdminRole.OPERATOR)
                .flatMap(existing -> users.countOperatorsOtherThan(username))
                .filter(others -> others == 0)
                .flatMap(none -> Mono.error(ApiProblem.conflict("Last operator",
                        "At least one OPERATOR must remain; create another before demoting " + username)));
    }
}
