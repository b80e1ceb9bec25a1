package io.scopegate.admin.legacy;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.credential.Credentials;
import io.scopegate.admin.credential.IssuedSecret;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.scope.LegacyKind;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/accounts/{account}/legacy-tokens}: off until enabled; enabling creates READ_WRITE and
 * READ_ONLY at once, both under the account SID; each resets on its own. They do not count toward
 * the active-token limit.
 */
@RestController
@RequestMapping("/v1/accounts/{account}/legacy-tokens")
class LegacyTokenController {

    record LegacyTokenList(boolean enabled, List<LegacyToken> tokens) {
    }

    record ResetRequest(Integer graceSeconds) {
    }

    private final LegacyTokenRepository legacy;
    private final AccountRepository accounts;
    private final ApiRepository catalog;
    private final Credentials credentials;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Clock clock;

    LegacyTokenController(LegacyTokenRepository legacy, AccountRepository accounts, ApiRepository catalog, Credentials credentials,
            ChangeLog changes, TransactionalOperator tx, Clock clock) {
        this.legacy = legacy;
        this.accounts = accounts;
        this.catalog = catalog;
        this.credentials = credentials;
        this.changes = changes;
        this.tx = tx;
        this.clock = clock;
    }

    @GetMapping
    Mono<LegacyTokenList> list(@PathVariable String account) {
        return accounts.require(account)
                .flatMap(found -> legacy.list(account).collectList()
                        .map(tokens -> new LegacyTokenList(found.legacyEnabled(), tokens)));
    }

    @PostMapping("/enable")
    Mono<ResponseEntity<LegacyTokenList>> enable(Actor actor, @PathVariable String account) {
        Instant now = clock.instant();
        Mono<LegacyTokenList> enabled = accounts.lock(account)
                .flatMap(found -> found.legacyEnabled()
                        ? Mono.error(ApiProblem.conflict("Legacy tokens already enabled",
                                "Reset a legacy token to get a new secret"))
                        : catalog.latestVersion())
                .flatMapMany(version -> Flux.fromArray(LegacyKind.values())
                        .concatMap(kind -> {
                            IssuedSecret secret = credentials.issue(CredentialFormat.Kind.LEGACY, boundTo(account, kind));
                            return legacy.insert(account, kind, version, secret, now)
                                    .then(legacy.find(account, kind))
                                    .map(token -> token.withAuthToken(secret.secret().value()));
                        }))
                .collectList()
                .flatMap(tokens -> accounts.markLegacyEnabled(account, now)
                        .then(changes.record(actor, AuditAction.LEGACY_TOKENS_ENABLED, account, account, Map.of()))
                        .thenReturn(new LegacyTokenList(true, tokens)));
        return tx.transactional(enabled)
                .map(body -> ResponseEntity.created(URI.create("/v1/accounts/" + account + "/legacy-tokens")).body(body));
    }

    @PostMapping("/{kind}/reset")
    Mono<LegacyToken> reset(Actor actor, @PathVariable String account, @PathVariable("kind") String segment,
            @RequestBody(required = false) ResetRequest request) {
        LegacyKind kind = LegacyKind.fromPathSegment(segment);
        if (kind == null) {
            return Mono.error(ApiProblem.notFound("No legacy token kind '" + segment + "'; use read-write or read-only"));
        }
        Integer grace = request == null ? null : request.graceSeconds();
        Instant now = clock.instant();
        Mono<LegacyToken> reset = accounts.lock(account)
                .then(legacy.secretHash(account, kind))
                .switchIfEmpty(Mono.defer(() -> Mono.error(ApiProblem.notFound("Legacy tokens are not enabled for " + account))))
                .map(current -> credentials.rotate(current, grace, now, CredentialFormat.Kind.LEGACY, boundTo(account, kind)))
                .flatMap(rotation -> legacy.replaceSecret(account, kind, rotation, now)
                        .then(changes.record(actor, AuditAction.LEGACY_TOKEN_RESET, account, account,
                                Map.of("kind", kind.name(), "graceSeconds", grace == null ? 0 : grace)))
                        .then(legacy.find(account, kind))
                        .map(token -> token.withAuthToken(rotation.issued().secret().value())));
        return tx.transactional(reset);
    }

    /** Binds a legacy ciphertext to its row; the gateway never needs this. */
    private static String boundTo(String account, LegacyKind kind) {
        return account + ":" + kind.name();
    }
}
