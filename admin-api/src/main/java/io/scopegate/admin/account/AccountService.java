package io.scopegate.admin.account;

import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.admin.token.AutomationProperties;
import io.scopegate.admin.token.TokenProperties;
import io.scopegate.store.credential.Sids;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/** Creates accounts (with their audit row, in one transaction) and shows them with their token counts. */
@Service
class AccountService {

    record CreateAccount(
            @Pattern(regexp = "[A-Za-z0-9]{2,64}", message = "must be 2 to 64 letters or digits")
            String sid,

            @NotBlank @Size(max = 200) String name) {}

    record AccountView(
            String sid,
            String name,
            Instant createdAt,
            boolean legacyTokensEnabled,
            long activeTokens,
            int tokenLimit,
            @Schema(nullable = true) String technicalContact,
            @Schema(nullable = true) String ownerContact,

            @Schema(allowableValues = {"EACH", "DAILY_DIGEST"})
            String emailDelivery,

            AccountAutomation automation) {}

    /**
     * {@code GET/PUT …/automation}: the account's own rules, and what applies to its tokens once the
     * platform's are taken into account (null: off).
     */
    record AutomationView(
            @Schema(nullable = true) Integer disableUnusedAfterDays,
            @Schema(nullable = true) Integer disableUnrotatedAfterDays,
            Effective effective,
            long warnAheadDays) {

        record Effective(
                @Schema(nullable = true) Long disableUnusedAfterDays,
                @Schema(nullable = true) Long disableUnrotatedAfterDays) {}
    }

    private final AccountRepository accounts;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Sids sids;
    private final Clock clock;
    private final TokenProperties limits;
    private final AutomationProperties platform;

    AccountService(
            AccountRepository accounts,
            ChangeLog changes,
            TransactionalOperator tx,
            Sids sids,
            Clock clock,
            TokenProperties limits,
            AutomationProperties platform) {
        this.accounts = accounts;
        this.changes = changes;
        this.tx = tx;
        this.sids = sids;
        this.clock = clock;
        this.limits = limits;
        this.platform = platform;
    }

    /** A chosen SID must not look like a token SID; without one, a new SID is drawn. */
    Mono<AccountView> create(Actor actor, CreateAccount request) {
        if (request.sid() != null && !Sids.isValidAccountSid(request.sid())) {
            return Mono.error(ApiProblem.invalid("sid", "is reserved for token SIDs"));
        }
        String sid = request.sid() == null ? sids.newAccountSid() : request.sid();
        return tx.transactional(insert(actor, sid, request.name().strip())).then(read(sid));
    }

    Mono<AccountView> read(String sid) {
        return accounts.require(sid)
                .zipWith(accounts.countActiveTokens(sid, clock.instant()))
                .map(pair -> new AccountView(
                        pair.getT1().sid(),
                        pair.getT1().name(),
                        pair.getT1().createdAt(),
                        pair.getT1().legacyEnabled(),
                        pair.getT2(),
                        limits.maxActivePerAccount(),
                        pair.getT1().technicalContact(),
                        pair.getT1().ownerContact(),
                        pair.getT1().emailDelivery(),
                        pair.getT1().automation()));
    }

    /** Changes the fields present in the patch, under the account's row lock, with its audit row. */
    Mono<AccountView> update(Actor actor, String sid, AccountPatch patch) {
        return tx.transactional(accounts.lock(sid).flatMap(account -> write(actor, account, patch)))
                .then(Mono.defer(() -> read(sid)));
    }

    private Mono<Void> write(Actor actor, Account account, AccountPatch patch) {
        if (patch.isEmpty()) {
            return Mono.empty();
        }
        return accounts.update(
                        account.sid(),
                        patch.technicalContact(account),
                        patch.ownerContact(account),
                        patch.emailDelivery(account),
                        clock.instant())
                .then(changes.record(
                        actor,
                        AuditAction.ACCOUNT_UPDATED,
                        account.sid(),
                        account.sid(),
                        Map.of("fields", patch.present().stream().sorted().toList())));
    }

    Mono<AutomationView> automation(String sid) {
        return accounts.require(sid).map(account -> automationView(account.automation()));
    }

    /** Replaces the account's rules (operators only), audited with the old and new values. */
    Mono<AutomationView> setAutomation(Actor actor, String sid, AccountAutomation rules) {
        List<FieldProblem> problems = new java.util.ArrayList<>();
        longerThanTheWarning("disableUnusedAfterDays", rules.disableUnusedAfterDays(), problems);
        longerThanTheWarning("disableUnrotatedAfterDays", rules.disableUnrotatedAfterDays(), problems);
        if (!problems.isEmpty()) {
            return Mono.error(ApiProblem.invalid(problems));
        }
        return tx.transactional(accounts.lock(sid)
                        .flatMap(account -> account.automation().equals(rules)
                                ? Mono.empty()
                                : accounts.updateAutomation(sid, rules, clock.instant())
                                        .then(changes.record(
                                                actor,
                                                AuditAction.ACCOUNT_UPDATED,
                                                sid,
                                                sid,
                                                Map.of(
                                                        "fields",
                                                        List.of("automation"),
                                                        "automation",
                                                        rulesDetail(rules))))))
                .then(Mono.defer(() -> automation(sid)));
    }

    /**
     * A rule must leave room for its warning: with days at or under {@code warn-ahead}, every token in
     * use would be warned again at each run (its last use moves the moment the warning is about).
     */
    private void longerThanTheWarning(String field, Integer days, List<FieldProblem> problems) {
        long warn = platform.warnAhead().toDays();
        if (days != null && days != 0 && days <= warn) {
            problems.add(new FieldProblem(
                    field,
                    "must be 0 (off) or more than the " + warn + "-day warning (scopegate.automation.warn-ahead)"));
        }
    }

    private static Map<String, Object> rulesDetail(AccountAutomation rules) {
        Map<String, Object> detail = new java.util.LinkedHashMap<>();
        detail.put("disableUnusedAfterDays", rules.disableUnusedAfterDays());
        detail.put("disableUnrotatedAfterDays", rules.disableUnrotatedAfterDays());
        return detail;
    }

    private AutomationView automationView(AccountAutomation own) {
        return new AutomationView(
                own.disableUnusedAfterDays(),
                own.disableUnrotatedAfterDays(),
                new AutomationView.Effective(
                        effective(own.disableUnusedAfterDays(), platform.disableUnusedAfter()),
                        effective(own.disableUnrotatedAfterDays(), platform.disableUnrotatedAfter())),
                platform.warnAhead().toDays());
    }

    /** The account's days if set (0: off), else the platform's; null when the rule is off. */
    private static Long effective(Integer accountDays, java.time.Duration platformAfter) {
        if (accountDays != null) {
            return accountDays == 0 ? null : accountDays.longValue();
        }
        return platformAfter == null ? null : platformAfter.toDays();
    }

    Mono<List<Contact>> contacts(String sid) {
        return accounts.requireExists(sid).then(accounts.contacts(sid).collectList());
    }

    private Mono<Void> insert(Actor actor, String sid, String name) {
        return accounts.insert(sid, name, clock.instant())
                .flatMap(created -> created
                        ? changes.record(actor, AuditAction.ACCOUNT_CREATED, sid, sid, Map.of("name", name))
                        : Mono.error(ApiProblem.conflict(
                                "Account exists", "An account with SID " + sid + " already exists")));
    }
}
