package io.scopegate.admin.legacy;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.credential.Credentials;
import io.scopegate.admin.credential.IssuedSecret;
import io.scopegate.admin.credential.Rotation;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.lifecycle.Recommendation;
import io.scopegate.admin.lifecycle.VersionTarget;
import io.scopegate.admin.security.Actor;
import io.scopegate.admin.token.TokenProperties;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.credential.Secret;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.token.TokenState;
import java.time.Clock;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * An account's legacy tokens, with the scoped tokens' lifecycle: enabling issues whichever of the two
 * does not exist, and each then resets, changes version, is disabled, enabled or deleted on its own.
 * Each change runs in one transaction with its audit row and gateway event, under the account's row
 * lock; a change to the state a token already has is answered with the token and changes nothing.
 */
@Service
class LegacyTokenService {

    record LegacyTokenList(boolean enabled, List<LegacyToken> tokens) {}

    private final LegacyTokenRepository legacy;
    private final LegacyQueries queries;
    private final AccountRepository accounts;
    private final ApiRepository catalog;
    private final Credentials credentials;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final TokenProperties settings;
    private final Clock clock;

    LegacyTokenService(
            LegacyTokenRepository legacy,
            LegacyQueries queries,
            AccountRepository accounts,
            ApiRepository catalog,
            Credentials credentials,
            ChangeLog changes,
            TransactionalOperator tx,
            TokenProperties settings,
            Clock clock) {
        this.legacy = legacy;
        this.queries = queries;
        this.accounts = accounts;
        this.catalog = catalog;
        this.credentials = credentials;
        this.changes = changes;
        this.tx = tx;
        this.settings = settings;
        this.clock = clock;
    }

    Mono<LegacyTokenList> list(String account) {
        return accounts.require(account)
                .flatMap(found -> legacy.list(account)
                        .collectList()
                        .map(tokens -> new LegacyTokenList(found.legacyEnabled(), tokens)));
    }

    Mono<LegacyToken> get(String account, LegacyKind kind) {
        return accounts.requireExists(account).then(existing(account, kind));
    }

    /**
     * Issues the legacy tokens the account does not have (both, unless one was deleted and the other
     * kept); those carry their secret, shown this once. 409 when both exist.
     */
    Mono<LegacyTokenList> enable(Actor actor, String account) {
        Instant now = clock.instant();
        return tx.transactional(accounts.lock(account)
                .then(legacy.list(account).map(LegacyToken::kind).collectList())
                .map(LegacyTokenService::missingKinds)
                .flatMap(missing -> missing.isEmpty()
                        ? Mono.error(ApiProblem.conflict(
                                "Legacy tokens already enabled", "Reset a legacy token to get a new secret"))
                        : issueAll(actor, account, missing, now)));
    }

    /** A new secret for one kind; the old one keeps passing for {@code graceSeconds} (none when null). */
    Mono<LegacyToken> reset(Actor actor, String account, LegacyKind kind, Integer graceSeconds) {
        Instant now = clock.instant();
        return tx.transactional(accounts.lock(account)
                .then(existing(account, kind))
                .then(legacy.secretHash(account, kind))
                .map(current -> credentials.rotate(
                        current, graceSeconds, now, CredentialFormat.Kind.LEGACY, boundTo(account, kind)))
                .flatMap(rotation -> replaceSecret(actor, account, kind, rotation, graceSeconds, now)));
    }

    /** @param requested the version to move to, or null for the latest */
    Mono<LegacyToken> upgradeVersion(Actor actor, String account, LegacyKind kind, Integer requested) {
        Instant now = clock.instant();
        return locked(
                account,
                kind,
                token -> catalog.latestVersion()
                        .map(latest -> VersionTarget.of(token.apiVersion(), requested, latest))
                        .filter(version -> version > token.apiVersion())
                        .flatMap(version -> legacy.setApiVersion(account, kind, version, now)
                                .then(record(
                                        actor,
                                        AuditAction.LEGACY_TOKEN_VERSION_UPGRADED,
                                        account,
                                        kind,
                                        Map.of("from", token.apiVersion(), "to", version))))
                        .then(existing(account, kind)));
    }

    Mono<LegacyToken> disable(Actor actor, String account, LegacyKind kind) {
        Instant now = clock.instant();
        return locked(
                account,
                kind,
                token -> (token.enabled()
                                ? legacy.setState(account, kind, TokenState.DISABLED, now)
                                        .then(record(actor, AuditAction.LEGACY_TOKEN_DISABLED, account, kind, Map.of()))
                                : Mono.<Void>empty())
                        .then(existing(account, kind)));
    }

    /**
     * Enables a disabled legacy token (an enabled one is left as it is). With {@code reset} the same
     * change gives it a new secret; without, one off for longer than {@code reset-recommended-after}
     * comes back with the advice to reset it.
     */
    Mono<LegacyToken> enable(Actor actor, String account, LegacyKind kind, boolean reset) {
        Instant now = clock.instant();
        return locked(
                account, kind, token -> token.enabled() ? Mono.just(token) : enableDisabled(actor, token, reset, now));
    }

    /** Deleting the last one turns legacy tokens off for the account; enabling again issues new secrets. */
    Mono<Void> delete(Actor actor, String account, LegacyKind kind) {
        Instant now = clock.instant();
        return tx.transactional(accounts.lock(account)
                .then(legacy.delete(account, kind))
                .flatMap(deleted -> deleted ? Mono.just(true) : Mono.error(notFound(account, kind)))
                .then(legacy.list(account).hasElements())
                .flatMap(anyLeft -> anyLeft ? Mono.empty() : accounts.setLegacyEnabled(account, false, now))
                .then(record(actor, AuditAction.LEGACY_TOKEN_DELETED, account, kind, Map.of())));
    }

    /** Decrypts the stored secret; the read is audited in the same transaction, or not served. */
    Mono<Secret> credentials(Actor actor, String account, LegacyKind kind) {
        return accounts.requireExists(account)
                .then(tx.transactional(existing(account, kind)
                        .then(legacy.secretCiphertext(account, kind))
                        .map(ciphertext -> credentials.reveal(ciphertext.orElse(null), boundTo(account, kind)))
                        .flatMap(secret -> changes.record(
                                        actor,
                                        AuditAction.CREDENTIALS_READ,
                                        account,
                                        account,
                                        Map.of("kind", kind.name()))
                                .thenReturn(secret))));
    }

    private Mono<LegacyToken> enableDisabled(Actor actor, LegacyToken token, boolean reset, Instant now) {
        String account = token.sid();
        LegacyKind kind = token.kind();
        Mono<Void> enabled = legacy.setState(account, kind, TokenState.ENABLED, now)
                .then(record(actor, AuditAction.LEGACY_TOKEN_ENABLED, account, kind, Map.of("reset", reset)));
        if (reset) {
            return enabled.then(legacy.secretHash(account, kind))
                    .map(current -> credentials.rotate(
                            current, null, now, CredentialFormat.Kind.LEGACY, boundTo(account, kind)))
                    .flatMap(rotation -> replaceSecret(actor, account, kind, rotation, null, now));
        }
        Recommendation advice = Recommendation.resetAfterTimeOff(
                token.disabledAt(),
                now,
                settings.resetRecommendedAfter(),
                "legacy token",
                "POST …/legacy-tokens/" + kind.pathSegment() + "/reset");
        return enabled.then(existing(account, kind)).map(view -> view.withRecommendation(advice));
    }

    private Mono<LegacyTokenList> issueAll(Actor actor, String account, Set<LegacyKind> kinds, Instant now) {
        return catalog.latestVersion()
                .flatMapMany(version -> Flux.fromIterable(kinds).concatMap(kind -> issue(account, kind, version, now)))
                .collectMap(LegacyToken::kind)
                .flatMap(issued -> accounts.setLegacyEnabled(account, true, now)
                        .then(changes.record(
                                actor,
                                AuditAction.LEGACY_TOKENS_ENABLED,
                                account,
                                account,
                                Map.of("kinds", kinds.stream().map(Enum::name).toList())))
                        .then(legacy.list(account)
                                .map(token -> issued.getOrDefault(token.kind(), token))
                                .collectList())
                        .map(tokens -> new LegacyTokenList(true, tokens)));
    }

    private Mono<LegacyToken> issue(String account, LegacyKind kind, int version, Instant now) {
        IssuedSecret secret = credentials.issue(CredentialFormat.Kind.LEGACY, boundTo(account, kind));
        return legacy.insert(account, kind, version, secret, now)
                .then(legacy.find(account, kind))
                .map(token -> token.withAuthToken(secret.secret().value()));
    }

    private Mono<LegacyToken> replaceSecret(
            Actor actor, String account, LegacyKind kind, Rotation rotation, Integer graceSeconds, Instant now) {
        return legacy.replaceSecret(account, kind, rotation, now)
                .then(record(
                        actor,
                        AuditAction.LEGACY_TOKEN_RESET,
                        account,
                        kind,
                        Map.of("graceSeconds", graceSeconds == null ? 0 : graceSeconds)))
                .then(legacy.find(account, kind))
                .map(token -> token.withAuthToken(rotation.issued().secret().value()));
    }

    /** Runs {@code change} on the token in one transaction, under the account's row lock. */
    private Mono<LegacyToken> locked(String account, LegacyKind kind, Function<LegacyToken, Mono<LegacyToken>> change) {
        return tx.transactional(
                accounts.lock(account).then(existing(account, kind)).flatMap(change));
    }

    /** The audit row and gateway event of a change to one legacy token; its kind is in the details. */
    private Mono<Void> record(
            Actor actor, AuditAction action, String account, LegacyKind kind, Map<String, ?> details) {
        Map<String, Object> withKind = new java.util.LinkedHashMap<>(details);
        withKind.put("kind", kind.name());
        return changes.record(actor, action, account, account, withKind);
    }

    private Mono<LegacyToken> existing(String account, LegacyKind kind) {
        return queries.require(account, kind);
    }

    static ApiProblem notFound(String account, LegacyKind kind) {
        return ApiProblem.notFound("Account " + account + " has no " + kind.pathSegment()
                + " legacy token (legacy tokens are not enabled, or it was deleted)");
    }

    private static Set<LegacyKind> missingKinds(List<LegacyKind> existing) {
        Set<LegacyKind> missing = EnumSet.allOf(LegacyKind.class);
        existing.forEach(missing::remove);
        return missing;
    }

    /** Binds a legacy ciphertext to its row; the gateway never needs this. */
    private static String boundTo(String account, LegacyKind kind) {
        return account + ":" + kind.name();
    }
}
