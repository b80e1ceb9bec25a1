package io.scopegate.admin.account;

import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.admin.token.TokenProperties;
import io.scopegate.store.credential.Sids;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Accounts: created by operators, read by operators and the account's own users. */
@RestController
class AccountController {

    record CreateAccount(@Pattern(regexp = "[A-Za-z0-9]{2,64}", message = "must be 2 to 64 letters or digits") String sid,
                         @NotBlank @Size(max = 200) String name) {
    }

    record AccountView(String sid, String name, Instant createdAt, boolean legacyTokensEnabled, long activeTokens,
                       int tokenLimit) {
    }

    private final AccountRepository accounts;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Sids sids;
    private final Clock clock;
    private final TokenProperties limits;

    AccountController(AccountRepository accounts, ChangeLog changes, TransactionalOperator tx, Sids sids, Clock clock,
            TokenProperties limits) {
        this.accounts = accounts;
        this.changes = changes;
        this.tx = tx;
        this.sids = sids;
        this.clock = clock;
        this.limits = limits;
    }

    @PostMapping("/v1/accounts")
    Mono<ResponseEntity<AccountView>> create(Actor actor, @Valid @RequestBody CreateAccount request) {
        if (request.sid() != null && !Sids.isValidAccountSid(request.sid())) {
            return Mono.error(ApiProblem.invalid("sid", "is reserved for token SIDs"));
        }
        String sid = request.sid() == null ? sids.newAccountSid() : request.sid();
        Mono<Void> insert = accounts.insert(sid, request.name().strip(), clock.instant())
                .flatMap(created -> created
                        ? changes.record(actor, AuditAction.ACCOUNT_CREATED, sid, sid, Map.of("name", request.name().strip()))
                        : Mono.error(ApiProblem.conflict("Account exists", "An account with SID " + sid + " already exists")));
        return tx.transactional(insert)
                .then(view(sid))
                .map(view -> ResponseEntity.created(URI.create("/v1/accounts/" + sid)).body(view));
    }

    @GetMapping("/v1/accounts/{account}")
    Mono<AccountView> read(@PathVariable String account) {
        return view(account);
    }

    private Mono<AccountView> view(String sid) {
        return accounts.require(sid)
                .zipWith(accounts.countEnabledTokens(sid))
                .map(pair -> new AccountView(pair.getT1().sid(), pair.getT1().name(), pair.getT1().createdAt(),
                        pair.getT1().legacyEnabled(), pair.getT2(), limits.maxActivePerAccount()));
    }
}
