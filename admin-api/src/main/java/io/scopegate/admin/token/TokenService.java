package io.scopegate.admin.token;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.credential.Credentials;
import io.scopegate.admin.credential.IssuedSecret;
import io.scopegate.admin.credential.Rotation;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.lifecycle.Recommendation;
import io.scopegate.admin.lifecycle.VersionTarget;
import io.scopegate.admin.paging.Page;
import io.scopegate.admin.paging.PageCursor;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.credential.Secret;
import io.scopegate.store.credential.Sids;
import io.scopegate.store.scope.Scope;
import io.scopegate.store.token.TokenState;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * The scoped-token lifecycle. Each change runs in one transaction with its audit row and gateway
 * event; anything that can raise the number of enabled tokens first locks the account row.
 */
@Service
class TokenService {

    private final TokenRepository tokens;
    private final AccountRepository accounts;
    private final ApiRepository catalog;
    private final ScopeResolver scopes;
    private final Credentials credentials;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Sids sids;
    private final Clock clock;
    private final TokenProperties limits;

    TokenService(
            TokenRepository tokens,
            AccountRepository accounts,
            ApiRepository catalog,
            ScopeResolver scopes,
            Credentials credentials,
            ChangeLog changes,
            TransactionalOperator tx,
            Sids sids,
            Clock clock,
            TokenProperties limits) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.catalog = catalog;
        this.scopes = scopes;
        this.credentials = credentials;
        this.changes = changes;
        this.tx = tx;
        this.sids = sids;
        this.clock = clock;
        this.limits = limits;
    }

    /**
     * One page, newest first. The first page fixes the time the filters' windows are measured from,
     * and its cursors carry it, so a token does not leave "last 7 days" halfway through the listing.
     */
    Mono<Page<TokenView>> list(String account, TokenListQuery query, int limit, String cursor) {
        String listing = query.listing(account);
        List<String> position = PageCursor.decode(cursor, listing, 3);
        Instant asOf = position == null ? clock.instant() : PageCursor.instant(position.get(2));
        TokenListQuery.Position after = position == null
                ? null
                : new TokenListQuery.Position(PageCursor.instant(position.get(0)), position.get(1));
        return accounts.requireExists(account)
                .then(catalog.latestVersion())
                .flatMap(latest -> tokens.list(account, query, asOf, after, limit + 1)
                        .map(token -> new TokenView(token, latest, null))
                        .collectList())
                .map(views -> Page.of(
                        views,
                        limit,
                        last -> PageCursor.encode(
                                listing,
                                List.of(
                                        last.token().createdAt().toString(),
                                        last.token().sid(),
                                        asOf.toString()))));
    }

    Mono<TokenView> get(String account, String sid) {
        return accounts.requireExists(account)
                .then(existing(account, sid, false))
                .flatMap(token -> view(token, null));
    }

    Mono<TokenView> create(Actor actor, String account, TokenFields fields) {
        Instant now = clock.instant();
        return accounts.requireExists(account)
                .then(scopes.resolve(fields.scopes()))
                .zipWith(catalog.latestVersion())
                .map(resolved -> newToken(account, fields, resolved.getT1(), resolved.getT2(), now))
                .flatMap(token -> tx.transactional(insertBelowLimit(actor, token, now)));
    }

    Mono<TokenView> update(Actor actor, String account, String sid, TokenPatch patch) {
        Instant now = clock.instant();
        List<FieldProblem> problems = new ArrayList<>();
        if (patch.has("expiresAt")) {
            Optional.ofNullable(expiryProblem(patch.fields().expiresAt(), now)).ifPresent(problems::add);
        }
        if (patch.has("quota")) {
            Optional.ofNullable(Quota.problem(patch.fields().quota())).ifPresent(problems::add);
        }
        if (!problems.isEmpty()) {
            return Mono.error(ApiProblem.invalid(problems));
        }
        Mono<Optional<List<Scope>>> newScopes = patch.has("scopes")
                ? scopes.resolve(patch.fields().scopes()).map(Optional::of)
                : Mono.just(Optional.empty());
        // A new expiry can make an expired token active again: then it needs a place under the limit,
        // counted under the account's lock like every other change that adds an active token.
        Mono<Void> lockIfReactivating =
                patch.has("expiresAt") ? accounts.lock(account).then() : Mono.empty();
        return accounts.requireExists(account)
                .then(newScopes)
                .flatMap(resolved -> tx.transactional(lockIfReactivating
                        .then(existing(account, sid, true))
                        .flatMap(token -> applyPatch(actor, token, patch, resolved, now))
                        .then(reread(account, sid))));
    }

    Mono<TokenView> duplicate(Actor actor, String account, String sid, String requestedName) {
        Instant now = clock.instant();
        return tx.transactional(accounts.lock(account)
                .then(existing(account, sid, false))
                .flatMap(source -> ensureBelowLimit(account, now)
                        .then(Mono.defer(() -> insertCopy(actor, source, requestedName, now)))));
    }

    Mono<TokenView> reset(Actor actor, String account, String sid, Integer graceSeconds) {
        Instant now = clock.instant();
        return accounts.requireExists(account)
                .then(tx.transactional(existing(account, sid, true)
                        .then(tokens.secretHash(sid))
                        .map(current ->
                                credentials.rotate(current, graceSeconds, now, CredentialFormat.Kind.SCOPED, sid))
                        .flatMap(rotation -> replaceSecret(actor, account, sid, rotation, graceSeconds, now))));
    }

    /** @param requested the version to move to, or null for the latest */
    Mono<TokenView> upgradeVersion(Actor actor, String account, String sid, Integer requested) {
        Instant now = clock.instant();
        return accounts.requireExists(account)
                .then(tx.transactional(existing(account, sid, true)
                        .zipWith(catalog.latestVersion())
                        .flatMap(pair -> upgrade(
                                actor,
                                pair.getT1(),
                                VersionTarget.of(pair.getT1().apiVersion(), requested, pair.getT2()),
                                now))
                        .then(reread(account, sid))));
    }

    Mono<TokenView> disable(Actor actor, String account, String sid) {
        Instant now = clock.instant();
        return accounts.requireExists(account)
                .then(tx.transactional(existing(account, sid, true)
                        .filter(TokenRecord::enabled)
                        .flatMap(token -> tokens.update(token.withState(TokenState.DISABLED, now))
                                .then(changes.record(actor, AuditAction.TOKEN_DISABLED, account, sid, Map.of())))
                        .then(reread(account, sid))));
    }

    /**
     * Enables a disabled token (an enabled one is left as it is). With {@code reset} the same change
     * also gives it a new secret, as the product's guidance asks for a token that was off; without,
     * a token off for longer than {@code reset-recommended-after} comes back with that advice.
     */
    Mono<TokenView> enable(Actor actor, String account, String sid, boolean reset) {
        Instant now = clock.instant();
        return tx.transactional(accounts.lock(account)
                .then(existing(account, sid, true))
                .filter(token -> !token.enabled())
                .flatMap(token -> enableDisabled(actor, token, reset, now))
                .switchIfEmpty(Mono.defer(() -> reread(account, sid))));
    }

    private Mono<TokenView> enableDisabled(Actor actor, TokenRecord token, boolean reset, Instant now) {
        String account = token.accountSid();
        String sid = token.sid();
        Mono<Optional<Instant>> disabledSince =
                tokens.disabledSince(sid).map(Optional::of).defaultIfEmpty(Optional.empty());
        return disabledSince.flatMap(since -> ensureBelowLimit(account, now)
                .then(tokens.update(token.withState(TokenState.ENABLED, now)))
                .then(changes.record(actor, AuditAction.TOKEN_ENABLED, account, sid, Map.of("reset", reset)))
                .then(
                        reset
                                ? resetAfterEnable(actor, account, sid, now)
                                : reread(account, sid).map(view -> advise(view, since, now))));
    }

    private Mono<TokenView> resetAfterEnable(Actor actor, String account, String sid, Instant now) {
        return tokens.secretHash(sid)
                .map(current -> credentials.rotate(current, null, now, CredentialFormat.Kind.SCOPED, sid))
                .flatMap(rotation -> replaceSecret(actor, account, sid, rotation, null, now));
    }

    private TokenView advise(TokenView view, Optional<Instant> disabledSince, Instant now) {
        Recommendation advice = Recommendation.resetAfterTimeOff(
                disabledSince.orElse(null), now, limits.resetRecommendedAfter(), "token", "POST …/reset");
        return advice == null ? view : view.withRecommendation(advice);
    }

    Mono<Void> delete(Actor actor, String account, String sid) {
        return accounts.requireExists(account)
                .then(tx.transactional(existing(account, sid, true)
                        .flatMap(token -> tokens.delete(sid)
                                .then(changes.record(
                                        actor,
                                        AuditAction.TOKEN_DELETED,
                                        account,
                                        sid,
                                        Map.of("name", token.name()))))));
    }

    /** Decrypts the stored secret; the read is audited in the same transaction, or not served. */
    Mono<Secret> credentials(Actor actor, String account, String sid) {
        return accounts.requireExists(account)
                .then(tx.transactional(existing(account, sid, false)
                        .then(tokens.secretCiphertext(sid))
                        .map(ciphertext -> credentials.reveal(ciphertext.orElse(null), sid))
                        .flatMap(secret -> changes.record(actor, AuditAction.CREDENTIALS_READ, account, sid, Map.of())
                                .thenReturn(secret))));
    }

    /** Counted after the account's row lock, so concurrent creates cannot both take the last place. */
    private Mono<TokenView> insertBelowLimit(Actor actor, TokenRecord token, Instant now) {
        return accounts.lock(token.accountSid())
                .then(ensureBelowLimit(token.accountSid(), now))
                .then(Mono.defer(() -> insert(actor, token, AuditAction.TOKEN_CREATED, createDetails(token))));
    }

    /** @param resolved the new scopes when the patch names {@code scopes}, else empty */
    private Mono<Void> applyPatch(
            Actor actor, TokenRecord token, TokenPatch patch, Optional<List<Scope>> resolved, Instant now) {
        TokenRecord updated = patch.applyTo(token, resolved.orElse(null), now);
        Mono<Void> scopeWrite =
                resolved.isPresent() ? tokens.replaceScopes(token.sid(), updated.scopes()) : Mono.empty();
        Mono<Void> placeIfReactivated = !token.activeAt(now) && updated.activeAt(now)
                ? ensureBelowLimit(token.accountSid(), now)
                : Mono.empty();
        return placeIfReactivated
                .then(tokens.update(updated))
                .then(scopeWrite)
                .then(changes.record(
                        actor,
                        AuditAction.TOKEN_UPDATED,
                        token.accountSid(),
                        token.sid(),
                        updateDetails(patch, updated)));
    }

    private Mono<TokenView> insertCopy(Actor actor, TokenRecord source, String requestedName, Instant now) {
        TokenRecord copy = source.copyAs(sids.newTokenSid(), copyName(source, requestedName), now);
        return insert(
                actor, copy, AuditAction.TOKEN_DUPLICATED, Map.of("sourceSid", source.sid(), "name", copy.name()));
    }

    private Mono<TokenView> replaceSecret(
            Actor actor, String account, String sid, Rotation rotation, Integer graceSeconds, Instant now) {
        return tokens.replaceSecret(sid, rotation, now)
                .then(changes.record(
                        actor,
                        AuditAction.TOKEN_RESET,
                        account,
                        sid,
                        Map.of("graceSeconds", graceSeconds == null ? 0 : graceSeconds)))
                .then(tokens.find(account, sid))
                .flatMap(token -> view(token, rotation.issued().secret().value()));
    }

    /** Nothing to do (and nothing audited) when the token is already on that version or above. */
    private Mono<Void> upgrade(Actor actor, TokenRecord token, int version, Instant now) {
        if (token.apiVersion() >= version) {
            return Mono.empty();
        }
        return tokens.update(token.withApiVersion(version, now))
                .then(changes.record(
                        actor,
                        AuditAction.TOKEN_VERSION_UPGRADED,
                        token.accountSid(),
                        token.sid(),
                        Map.of("from", token.apiVersion(), "to", version)));
    }

    private Mono<TokenRecord> existing(String account, String sid, boolean lock) {
        Mono<TokenRecord> token = lock ? tokens.lock(account, sid) : tokens.find(account, sid);
        return token.switchIfEmpty(
                Mono.defer(() -> Mono.error(ApiProblem.notFound("No token " + sid + " in account " + account))));
    }

    private Mono<TokenView> reread(String account, String sid) {
        return existing(account, sid, false).flatMap(token -> view(token, null));
    }

    private Mono<TokenView> view(TokenRecord token, String authToken) {
        return catalog.latestVersion().map(latest -> new TokenView(token, latest, authToken));
    }

    private Mono<Void> ensureBelowLimit(String account, Instant now) {
        return accounts.countActiveTokens(account, now)
                .flatMap(active -> active >= limits.maxActivePerAccount()
                        ? Mono.error(ApiProblem.tokenLimitReached(limits.maxActivePerAccount()))
                        : Mono.empty());
    }

    private Mono<TokenView> insert(Actor actor, TokenRecord token, AuditAction action, Map<String, ?> details) {
        IssuedSecret secret = credentials.issue(CredentialFormat.Kind.SCOPED, token.sid());
        return tokens.insert(token, secret)
                .then(changes.record(actor, action, token.accountSid(), token.sid(), details))
                .then(tokens.find(token.accountSid(), token.sid()))
                .flatMap(stored -> view(stored, secret.secret().value()));
    }

    private TokenRecord newToken(
            String account, TokenFields fields, List<Scope> resolvedScopes, int latest, Instant now) {
        List<FieldProblem> errors = new ArrayList<>();
        FieldProblem expiry = expiryProblem(fields.expiresAt(), now);
        if (expiry != null) {
            errors.add(expiry);
        }
        FieldProblem quota = Quota.problem(fields.quota());
        if (quota != null) {
            errors.add(quota);
        }
        if (fields.apiVersion() != null && fields.apiVersion() > latest) {
            errors.add(new FieldProblem("apiVersion", "must be at most " + latest + ", the latest API version"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new TokenRecord(
                sids.newTokenSid(),
                account,
                fields.name().strip(),
                fields.description(),
                fields.primaryContact(),
                fields.developerEmails() == null ? List.of() : List.copyOf(fields.developerEmails()),
                fields.apiVersion() == null ? latest : fields.apiVersion(),
                TokenState.ENABLED,
                resolvedScopes,
                now,
                now,
                now,
                null,
                fields.expiresAt(),
                TokenPatch.emptyToNull(fields.allowedIps()),
                fields.rateLimit(),
                Quota.normalized(fields.quota()),
                DistinguishedNameValidator.canonical(fields.clientCertificateSubject()));
    }

    private static FieldProblem expiryProblem(Instant expiresAt, Instant now) {
        return expiresAt != null && !expiresAt.isAfter(now)
                ? new FieldProblem("expiresAt", "must be in the future")
                : null;
    }

    private static String copyName(TokenRecord source, String requested) {
        if (requested != null) {
            String name = requested.strip();
            if (name.isEmpty() || name.length() > 100) {
                throw ApiProblem.invalid("name", "must be 1 to 100 characters");
            }
            return name;
        }
        String name = "Copy of " + source.name();
        return name.length() > 100 ? name.substring(0, 100) : name;
    }

    private static Map<String, Object> createDetails(TokenRecord token) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("name", token.name());
        details.put("scopes", scopeNames(token.scopes()));
        if (token.quota() != null) {
            details.put("quota", token.quota());
        }
        if (token.clientCertificateSubject() != null) {
            details.put("clientCertificateSubject", token.clientCertificateSubject());
        }
        return details;
    }

    /**
     * The fields changed, and the new value of those an auditor asks about: the scopes, the quota (the
     * tier a partner pays for) and the bound certificate subject (who may use the token); null where
     * the change removed it.
     */
    private static Map<String, Object> updateDetails(TokenPatch patch, TokenRecord updated) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("fields", patch.present().stream().sorted().toList());
        if (patch.has("scopes")) {
            details.put("scopes", scopeNames(updated.scopes()));
        }
        if (patch.has("quota")) {
            details.put("quota", updated.quota());
        }
        if (patch.has("clientCertificateSubject")) {
            details.put("clientCertificateSubject", updated.clientCertificateSubject());
        }
        return details;
    }

    /** {@code campaigns:GET} style names, for audit details. */
    private static List<String> scopeNames(List<Scope> scopes) {
        return scopes.stream()
                .flatMap(s -> s.methods().stream().map(m -> s.api() + ":" + m))
                .toList();
    }
}
