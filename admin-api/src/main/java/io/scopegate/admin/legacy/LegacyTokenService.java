package io.scopegate.admin.legacy;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.credential.Credentials;
import io.scopegate.admin.credential.IssuedSecret;
import io.scopegate.admin.credential.Rotation;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.scope.LegacyKind;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An account's legacy tokens: enabling issues both at once, each resets on its own. Each change runs
 * in one transaction with its audit row and gateway event, under the account's row lock.
 */
@Service
class LegacyTokenService {

    record LegacyTokenList(boolean enabled, List<LegacyToken> tokens) {}

    private final LegacyTokenRepository legacy;
    private final AccountRepository accounts;
    private final ApiRepository catalog;
    private final Credentials credentials;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Clock clock;

    LegacyTokenService(
            LegacyTokenRepository legacy,
            AccountRepository accounts,
            ApiRepository catalog,
            Credentials credentials,
            ChangeLog changes,
            TransactionalOperator tx,
            Clock clock) {
        this.legacy = legacy;
        this.accounts = accounts;
        this.catalog = catalog;
        this.credentials = credentials;
        this.changes = changes;
        this.tx = tx;
        this.clock = clock;
    }

    Mono<LegacyTokenList> list(String account) {
        return accounts.require(account)
                .flatMap(found -> legacy.list(account)
                        .collectList()
                        .map(tokens -> new LegacyTokenList(found.legacyEnabled(), tokens)));
    }

    /** Both legacy tokens with their secrets, shown this once. */
    Mono<LegacyTokenList> enable(Actor actor, String account) {
        Instant now = clock.instant();
        return tx.transactional(accounts.lock(account)
                .flatMap(found -> found.legacyEnabled()
                        ? Mono.error(ApiProblem.conflict(
                                "Legacy tokens already enabled", "Reset a legacy token to get a new secret"))
                        : catalog.latestVersion())
                .flatMapMany(version ->
                        Flux.fromArray(LegacyKind.values()).concatMap(kind -> issue(account, kind, version, now)))
                .collectList()
                .flatMap(tokens -> markEnabled(actor, account, now).thenReturn(new LegacyTokenList(true, tokens))));
    }

    /** A new secret for one kind; the old one keeps passing for {@code graceSeconds} (none when null). */
    Mono<LegacyToken> reset(Actor actor, String account, LegacyKind kind, Integer graceSeconds) {
        Instant now = clock.instant();
        return tx.transactional(accounts.lock(account)
                .then(legacy.secretHash(account, kind))
                .switchIfEmpty(Mono.defer(
                        () -> Mono.error(ApiProblem.notFound("Legacy tokens are not enabled for " + account))))
                .map(current -> credentials.rotate(
                        current, graceSeconds, now, CredentialFormat.Kind.LEGACY, boundTo(account, kind)))
                .flatMap(rotation -> replaceSecret(actor, account, kind, rotation, graceSeconds, now)));
    }

    private Mono<LegacyToken> issue(String account, LegacyKind kind, int version, Instant now) {
        IssuedSecret secret = credentials.issue(CredentialFormat.Kind.LEGACY, boundTo(account, kind));
        return legacy.insert(account, kind, version, secret, now)
                .then(legacy.find(account, kind))
                .map(token -> token.withAuthToken(secret.secret().value()));
    }

    private Mono<Void> markEnabled(Actor actor, String account, Instant now) {
        return accounts.markLegacyEnabled(account, now)
                .then(changes.record(actor, AuditAction.LEGACY_TOKENS_ENABLED, account, account, Map.of()));
    }

    private Mono<LegacyToken> replaceSecret(
            Actor actor, String account, LegacyKind kind, Rotation rotation, Integer graceSeconds, Instant now) {
        return legacy.replaceSecret(account, kind, rotation, now)
                .then(changes.record(
                        actor,
                        AuditAction.LEGACY_TOKEN_RESET,
                        account,
                        account,
                        Map.of("kind", kind.name(), "graceSeconds", graceSeconds == null ? 0 : graceSeconds)))
                .then(legacy.find(account, kind))
                .map(token -> token.withAuthToken(rotation.issued().secret().value()));
    }

    /** Binds a legacy ciphertext to its row; the gateway never needs this. */
    private static String boundTo(String account, LegacyKind kind) {
        return account + ":" + kind.name();
    }
}
