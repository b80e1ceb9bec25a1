package io.scopegate.admin.offboarding;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.audit.ChangeLog.Change;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.scope.LegacyKind;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Disables many of an account's credentials in one change: every enabled one (scoped and legacy), as
 * when an integration partner is offboarded or a leak's extent is unknown, or a chosen set of scoped
 * tokens. One transaction holds the updates, an audit record, notification and gateway event per
 * credential; the call then waits once for every replica to apply the lot (the propagation filter).
 */
@Service
class Offboarding {

    private static final String VIA = "disable-all";

    private final EnabledCredentials credentials;
    private final AccountRepository accounts;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Clock clock;

    Offboarding(
            EnabledCredentials credentials,
            AccountRepository accounts,
            ChangeLog changes,
            TransactionalOperator tx,
            Clock clock) {
        this.credentials = credentials;
        this.accounts = accounts;
        this.changes = changes;
        this.tx = tx;
        this.clock = clock;
    }

    /**
     * Under the account's lock, as every call that can enable a token takes it: a token created or
     * enabled concurrently is either disabled by this call or enabled after it, never in between.
     */
    Mono<DisabledCredentials> disableAll(Actor actor, String account, DisableAllRequest request) {
        FieldProblem problem = DisableAllRequest.problem(request);
        if (problem != null) {
            return Mono.error(ApiProblem.invalid(List.of(problem)));
        }
        List<String> sids = request.everyToken() ? null : request.sids();
        Instant now = clock.instant();
        return tx.transactional(accounts.lock(account)
                .then(mustBelong(account, sids))
                .then(Mono.defer(() -> disable(actor, account, sids, now))));
    }

    private Mono<DisabledCredentials> disable(Actor actor, String account, List<String> sids, Instant now) {
        Mono<List<LegacyKind>> legacy =
                sids == null ? credentials.disableLegacyTokens(account, now) : Mono.just(List.of());
        return credentials
                .disableTokens(account, sids, now)
                .zipWith(legacy, (tokens, kinds) -> new DisabledCredentials(account, tokens, kinds))
                .flatMap(disabled ->
                        changes.recordEach(actor, account, audited(disabled)).thenReturn(disabled));
    }

    /** One record per credential, as its own disable call would write, marked as part of this one. */
    private static List<Change> audited(DisabledCredentials disabled) {
        List<Change> audited = new ArrayList<>();
        disabled.tokens()
                .forEach(token -> audited.add(
                        new Change(AuditAction.TOKEN_DISABLED, token.sid(), Map.of("name", token.name(), "via", VIA))));
        disabled.legacyTokens()
                .forEach(kind -> audited.add(new Change(
                        AuditAction.LEGACY_TOKEN_DISABLED,
                        disabled.accountSid(),
                        Map.of("kind", kind.name(), "via", VIA))));
        return audited;
    }

    /** Every named SID must be a scoped token of this account; the first that is not is the error. */
    private Mono<Void> mustBelong(String account, List<String> sids) {
        if (sids == null) {
            return Mono.empty();
        }
        return credentials
                .notInAccount(account, sids)
                .flatMap(missing -> missing.isEmpty()
                        ? Mono.empty()
                        : Mono.error(ApiProblem.invalid(
                                "sids[" + sids.indexOf(missing.get(0)) + "]",
                                "Account " + account + " has no token " + missing.get(0))));
    }
}
