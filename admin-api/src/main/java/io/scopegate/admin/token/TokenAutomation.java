package io.scopegate.admin.token;

import io.r2dbc.spi.Readable;
import io.scopegate.admin.error.ApiProblem;
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
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The clean-ups of {@link AutomationProperties}, on the elected replica. A token that will cross a
 * threshold within {@code warn-ahead} (or already has) gets a {@code token.auto_disable} notice, once
 * per token, rule and moment; it is disabled only when that notice is {@code warn-ahead} old and the
 * threshold is crossed, through {@link TokenService}, so the gateways refuse it within a second and
 * the audit log says {@code system} did it. The moment includes the token's last change: a token an
 * admin re-enabled or edited is warned afresh before it is disabled again.
 */
@Component
class TokenAutomation extends RepeatingWork {

    /** The actor of automated changes in the audit log. */
    static final Actor SYSTEM = new Actor("system", AdminRole.OPERATOR, null, null);

    private enum Rule {
        UNUSED("unused", "coalesce(t.last_used_at, t.created_at)", "auto_disable_unused_days"),
        UNROTATED("unrotated", "t.credentials_rotated_at", "auto_disable_unrotated_days");

        final String name;
        /** The moment the rule measures from, as SQL. */
        final String since;
        /** The account's own threshold in days (null: the platform's; 0: off). */
        final String accountDays;

        Rule(String name, String since, String accountDays) {
            this.name = name;
            this.since = since;
            this.accountDays = accountDays;
        }

        Duration platform(AutomationProperties settings) {
            return this == UNUSED ? settings.disableUnusedAfter() : settings.disableUnrotatedAfter();
        }
    }

    /**
     * @param since   what the rule measures from
     * @param touched the later of {@code since} and the token's last change: the notice's moment
     */
    private record Candidate(
            String accountSid, String sid, String name, Instant since, Instant touched, Duration after) {}

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
        for (Rule rule : Rule.values()) {
            Duration after = rule.platform(settings);
            if (after != null && after.compareTo(settings.warnAhead()) <= 0) {
                // Every token in use would be warned again at each run: its last use moves the moment.
                throw new IllegalStateException("scopegate.automation: a rule's threshold (" + after
                        + ") must be longer than warn-ahead (" + settings.warnAhead() + ")");
            }
        }
    }

    /** Always on: an account may turn a rule on for itself while the platform's are off. */
    @Override
    protected Flux<?> triggers() {
        return Flux.interval(Duration.ofSeconds(1), settings.interval());
    }

    @Override
    protected Mono<Void> runOnce() {
        if (!leader.isLeader()) {
            return Mono.empty();
        }
        return apply(Rule.UNUSED).then(apply(Rule.UNROTATED)).timeout(Duration.ofMinutes(5));
    }

    private Mono<Void> apply(Rule rule) {
        Instant now = clock.instant();
        return candidates(rule, now)
                .collectList()
                .flatMapMany(Flux::fromIterable)
                .concatMap(token -> act(rule, token, now)
                        // One token that cannot be handled (deleted meanwhile) does not stop the others.
                        .onErrorResume(ApiProblem.class, gone -> Mono.empty()))
                .then();
    }

    /** Warn first; disable only once the warning is old enough and the threshold is crossed. */
    private Mono<Void> act(Rule rule, Candidate token, Instant now) {
        Duration after = token.after();
        Instant disableBefore = now.minus(after);
        String key = "token.auto_disable:" + rule.name + ":" + token.sid() + ":"
                + token.touched().getEpochSecond();
        Instant warnedLongEnough = now.minus(settings.warnAhead());
        return warnedAt(key).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap(warned -> {
            if (warned.isEmpty()) {
                return warn(rule, token, key, latest(token.since().plus(after), now.plus(settings.warnAhead())));
            }
            boolean due =
                    !warned.get().isAfter(warnedLongEnough) && token.since().isBefore(disableBefore);
            return due ? tokens.disable(SYSTEM, token.accountSid(), token.sid()).then() : Mono.empty();
        });
    }

    private Mono<Instant> warnedAt(String key) {
        return db.sql("select created_at from notification_outbox where dedupe_key = :key")
                .bind("key", key)
                .map(row -> row.get(0, Instant.class))
                .one();
    }

    private static Instant latest(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    /**
     * Enabled tokens within {@code warn-ahead} of crossing the rule's threshold (or past it): the
     * account's own threshold, else the platform's; a rule off for the account (0) or everywhere has none.
     */
    private Flux<Candidate> candidates(Rule rule, Instant now) {
        Duration platform = rule.platform(settings);
        return db.sql("""
                        select account_sid, sid, name, since, touched, after_seconds from (
                            select t.account_sid, t.sid, t.name, %1$s as since, greatest(%1$s, t.updated_at) as touched,
                                   coalesce(a.%2$s * 86400.0, cast(:platform as double precision)) as after_seconds
                            from tokens t join accounts a on a.sid = t.account_sid
                            where t.state = :enabled) c
                        where after_seconds > 0
                          and since < cast(:now as timestamptz) - make_interval(secs => after_seconds) + make_interval(secs => :warn)
                        """.formatted(rule.since, rule.accountDays))
                .bind("enabled", TokenState.ENABLED.name())
                .bind(
                        "platform",
                        Parameter.fromOrEmpty(platform == null ? null : (double) platform.toSeconds(), Double.class))
                .bind("now", now)
                .bind("warn", (double) settings.warnAhead().toSeconds())
                .map(TokenAutomation::candidate)
                .all();
    }

    /** Once per token, rule and moment: the outbox's de-duplication key. */
    private Mono<Void> warn(Rule rule, Candidate token, String key, Instant disableAt) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountSid", token.accountSid());
        data.put("tokenSid", token.sid());
        data.put("name", token.name());
        data.put("rule", rule.name);
        data.put("disableAt", disableAt.toString());
        return outbox.enqueueOnce(token.accountSid(), "token.auto_disable", key, data);
    }

    private static Candidate candidate(Readable row) {
        return new Candidate(
                row.get("account_sid", String.class),
                row.get("sid", String.class),
                row.get("name", String.class),
                row.get("since", Instant.class),
                row.get("touched", Instant.class),
                Duration.ofMillis(Math.round(row.get("after_seconds", Double.class) * 1000)));
    }
}
