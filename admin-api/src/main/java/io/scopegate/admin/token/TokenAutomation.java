package io.scopegate.admin.token;

import io.r2dbc.spi.Readable;
import io.scopegate.admin.notify.Outbox;
import io.scopegate.admin.security.Actor;
import io.scopegate.admin.security.AdminRole;
import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import io.scopegate.store.token.TokenState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The clean-ups of {@link AutomationProperties}, on the elected replica: a token that will cross a
 * threshold within {@code warn-ahead} gets a {@code token.auto_disable} notice (once per token,
 * rule and moment), and one that crossed it is disabled through {@link TokenService}, so the
 * gateways refuse it within a second and the audit log says {@code system} did it.
 */
@Component
class TokenAutomation extends RepeatingWork {

    /** The actor of automated changes in the audit log. */
    static final Actor SYSTEM = new Actor("system", AdminRole.OPERATOR, null, null);

    private enum Rule {
        UNUSED("unused", "coalesce(last_used_at, created_at)"),
        UNROTATED("unrotated", "credentials_rotated_at");

        final String name;
        /** The moment the rule measures from, as SQL. */
        final String since;

        Rule(String name, String since) {
            this.name = name;
            this.since = since;
        }
    }

    private record Candidate(String accountSid, String sid, String name, Instant since) {}

    private final DatabaseClient db;
    private final TokenService tokens;
    private final Outbox outbox;
    private final StoreLeader leader;
    private final AutomationProperties settings;
    private final Clock clock;

    TokenAutomation(
            DatabaseClient db,
            TokenService tokens,
            Outbox outbox,
            StoreLeader leader,
            AutomationProperties settings,
            Clock clock) {
        this.db = db;
        this.tokens = tokens;
        this.outbox = outbox;
        this.leader = leader;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected Flux<?> triggers() {
        return settings.anyOn() ? Flux.interval(Duration.ofSeconds(1), settings.interval()) : Flux.never();
    }

    @Override
    protected Mono<Void> runOnce() {
        if (!leader.isLeader()) {
            return Mono.empty();
        }
        return apply(Rule.UNUSED, settings.disableUnusedAfter())
                .then(apply(Rule.UNROTATED, settings.disableUnrotatedAfter()))
                .timeout(Duration.ofMinutes(5));
    }

    private Mono<Void> apply(Rule rule, Duration after) {
        if (after == null) {
            return Mono.empty();
        }
        Instant now = clock.instant();
        Instant disableBefore = now.minus(after);
        Instant warnBefore = disableBefore.plus(settings.warnAhead());
        return candidates(rule, warnBefore)
                .concatMap(token -> token.since().isBefore(disableBefore)
                        ? tokens.disable(SYSTEM, token.accountSid(), token.sid())
                                .then()
                        : warn(rule, token, token.since().plus(after)))
                .then();
    }

    private Flux<Candidate> candidates(Rule rule, Instant before) {
        return db.sql("select account_sid, sid, name, " + rule.since + " as since from tokens"
                        + " where state = :enabled and " + rule.since + " < :before")
                .bind("enabled", TokenState.ENABLED.name())
                .bind("before", before)
                .map(TokenAutomation::candidate)
                .all();
    }

    /** Once per token, rule and moment: the outbox's de-duplication key. */
    private Mono<Void> warn(Rule rule, Candidate token, Instant disableAt) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountSid", token.accountSid());
        data.put("tokenSid", token.sid());
        data.put("name", token.name());
        data.put("rule", rule.name);
        data.put("disableAt", disableAt.toString());
        return outbox.enqueueOnce(
                token.accountSid(),
                "token.auto_disable",
                "token.auto_disable:" + rule.name + ":" + token.sid() + ":"
                        + token.since().getEpochSecond(),
                data);
    }

    private static Candidate candidate(Readable row) {
        return new Candidate(
                row.get("account_sid", String.class),
                row.get("sid", String.class),
                row.get("name", String.class),
                row.get("since", Instant.class));
    }
}
