package io.scopegate.admin.notify;

import io.scopegate.admin.usage.ReportSettings;
import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import io.scopegate.store.token.QuotaOutcomes;
import io.scopegate.store.token.TokenState;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The notifications that time makes rather than a change: a token about to expire (14, 7 and 1 days
 * before), expired, due for rotation, stale, never used a week after creation, and a reset's old
 * secret about to stop; the same for legacy tokens (which do not expire), as {@code legacy_token.*}. Each is one {@code insert … select} into the outbox keyed by a de-duplication
 * key that names the token, the event and the moment it is about (the expiry, the last rotation, the
 * last use), so it is written once however often this runs, on however many replicas, across
 * restarts; a new expiry or a new rotation makes a new key and a new reminder. A token at 80 % of its
 * quota hears it once per UTC day or month. Runs on the elected replica only.
 */
@Component
class ReminderScheduler extends RepeatingWork {

    /** How long after creation an unused token is reported as never used. */
    static final Duration NEVER_USED_AFTER = Duration.ofDays(7);

    /** How long before a reset's grace period ends its holder is told. */
    static final Duration GRACE_WARNING = Duration.ofHours(1);

    /** Where reminders come from: scoped tokens, or legacy tokens (keyed {@code <account>:<KIND>}). */
    private enum Source {
        TOKENS("token.", "tokens", "sid", """
                jsonb_build_object('accountSid', account_sid, 'tokenSid', sid, 'name', name,
                                   'expiresAt', expires_at, 'lastUsedAt', last_used_at,
                                   'credentialsRotatedAt', credentials_rotated_at)"""),
        LEGACY("legacy_token.", "legacy_tokens", "account_sid || ':' || kind", """
                jsonb_build_object('accountSid', account_sid, 'legacyKind', kind, 'lastUsedAt', last_used_at,
                                   'credentialsRotatedAt', credentials_rotated_at)""");

        final String typePrefix;
        final String table;
        /** SQL naming one token in de-duplication keys. */
        final String key;
        /** SQL building the notification's {@code data}: what receivers get, never a secret. */
        final String data;

        Source(String typePrefix, String table, String key, String data) {
            this.typePrefix = typePrefix;
            this.table = table;
            this.key = key;
            this.data = data;
        }
    }

    private final DatabaseClient db;
    private final StoreLeader leader;
    private final ReportSettings thresholds;
    private final NotificationProperties settings;
    private final Clock clock;

    ReminderScheduler(
            DatabaseClient db,
            StoreLeader leader,
            ReportSettings thresholds,
            NotificationProperties settings,
            Clock clock) {
        this.db = db;
        this.leader = leader;
        this.thresholds = thresholds;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(settings.reminderInterval());
    }

    @Override
    protected Mono<Void> runOnce() {
        if (!leader.isLeader()) {
            return Mono.empty();
        }
        Instant now = clock.instant();
        return Flux.concat(
                        expiring(now),
                        remind(
                                Source.TOKENS,
                                "expired",
                                "extract(epoch from expires_at)",
                                "expires_at <= :now",
                                null,
                                now),
                        Flux.fromArray(Source.values()).concatMap(source -> everyToken(source, now)),
                        quotaNearLimit(now))
                .then()
                .timeout(Duration.ofSeconds(30));
    }

    /** The reminders scoped and legacy tokens share: rotation due, stale, never used, grace ending. */
    private Flux<Long> everyToken(Source source, Instant now) {
        return Flux.concat(
                remind(
                        source,
                        "rotation_due",
                        "extract(epoch from credentials_rotated_at)",
                        "credentials_rotated_at < :now - :period",
                        thresholds.rotationAfter(),
                        now),
                remind(
                        source,
                        "stale",
                        "extract(epoch from last_used_at)",
                        "last_used_at < :now - :period",
                        thresholds.staleAfter(),
                        now),
                remind(
                        source,
                        "never_used",
                        "0",
                        "last_used_at is null and created_at < :now - :period",
                        NEVER_USED_AFTER,
                        now),
                remind(
                        source,
                        "grace_ending",
                        "extract(epoch from previous_secret_valid_until)",
                        "previous_secret_valid_until > :now and previous_secret_valid_until <= :now + :period",
                        GRACE_WARNING,
                        now));
    }

    /**
     * The expiry reminders: the 14-, 7- or 1-day one whose window the token is in (only the nearest,
     * when the scheduler was away while several opened), and only for a window that opened after
     * the token was created: a token made to expire in 10 days hears 7 and 1 days before.
     */
    private Mono<Long> expiring(Instant now) {
        return db.sql("""
                insert into notification_outbox (account_sid, type, dedupe_key, data, created_at)
                select account_sid, 'token.expiring',
                       'token.expiring:' || sid || ':' || w.days || ':' || extract(epoch from expires_at)::bigint,
                       %s || jsonb_build_object('daysLeft', w.days), :now
                from tokens cross join (values (14, 7), (7, 1), (1, 0)) as w(days, nearer)
                where state = :enabled
                  and expires_at > cast(:now as timestamptz) + make_interval(days => w.nearer)
                  and expires_at <= cast(:now as timestamptz) + make_interval(days => w.days)
                  and created_at <= expires_at - make_interval(days => w.days)
                on conflict (dedupe_key) do nothing
                """.formatted(Source.TOKENS.data))
                .bind("now", now)
                .bind("enabled", TokenState.ENABLED.name())
                .fetch()
                .rowsUpdated();
    }

    /**
     * A token at {@link ReportSettings#QUOTA_WARNING_PERCENT} % of its quota, once per token and UTC day (or month):
     * the key names the period, so tomorrow's day quota can warn again. Only the tokens that have a
     * quota are summed, each through the usage table's primary key (token, day, …), and only this
     * month's rows; only allowed requests count, as in the usage report.
     */
    private Mono<Long> quotaNearLimit(Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return db.sql("""
                with limited as (
                    select sid, account_sid, name, quota_per_day, quota_per_month
                    from tokens
                    where state = :enabled and (quota_per_day is not null or quota_per_month is not null)
                ), used as (
                    select token_sid, coalesce(sum(requests) filter (where day = :today), 0) as today,
                           sum(requests) as month
                    from token_usage_daily
                    where token_sid in (select sid from limited) and day between :monthStart and :today
                      and outcome = any(:outcomes)
                    group by token_sid
                ), periods as (
                    select l.account_sid, l.sid, l.name, 'day' as period, cast(:today as text) as starts,
                           l.quota_per_day as quota, u.today as used
                    from limited l join used u on u.token_sid = l.sid
                    where l.quota_per_day is not null
                    union all
                    select l.account_sid, l.sid, l.name, 'month', to_char(cast(:monthStart as date), 'YYYY-MM'),
                           l.quota_per_month, u.month
                    from limited l join used u on u.token_sid = l.sid
                    where l.quota_per_month is not null
                )
                insert into notification_outbox (account_sid, type, dedupe_key, data, created_at)
                select account_sid, :type, cast(:type as text) || ':' || sid || ':' || period || ':' || starts,
                       jsonb_build_object('accountSid', account_sid, 'tokenSid', sid, 'name', name,
                                          'period', period, 'used', used, 'quota', quota), :now
                from periods
                where used * 100 >= cast(quota as bigint) * :percent
                on conflict (dedupe_key) do nothing
                """)
                .bind("enabled", TokenState.ENABLED.name())
                .bind("today", today)
                .bind("monthStart", today.withDayOfMonth(1))
                .bind("outcomes", QuotaOutcomes.countedOutcomes())
                .bind("type", NotificationType.TOKEN_QUOTA_NEAR_LIMIT.wireName())
                .bind("percent", ReportSettings.QUOTA_WARNING_PERCENT)
                .bind("now", now)
                .fetch()
                .rowsUpdated();
    }

    /**
     * One kind of reminder ({@code event}, e.g. {@code stale}) for every enabled token of {@code source}
     * matching {@code condition}, keyed by the token and {@code moment} (an SQL expression: what the
     * reminder is about, so it is sent once per it). In the condition {@code :now} is the time and
     * {@code :period} the given duration.
     */
    private Mono<Long> remind(
            Source source, String event, String moment, String condition, Duration period, Instant now) {
        String where = condition
                .replace(":now", "cast(:now as timestamptz)")
                .replace(":period", "make_interval(secs => :seconds)");
        var statement = db.sql("""
                insert into notification_outbox (account_sid, type, dedupe_key, data, created_at)
                select account_sid, :type, cast(:type as text) || ':' || (%s) || ':' || (%s)::bigint, %s, :now
                from %s
                where state = :enabled and %s
                on conflict (dedupe_key) do nothing
                """.formatted(source.key, moment, source.data, source.table, where))
                .bind("type", source.typePrefix + event)
                .bind("now", now)
                .bind("enabled", TokenState.ENABLED.name());
        return (period == null ? statement : statement.bind("seconds", (double) period.toSeconds()))
                .fetch()
                .rowsUpdated();
    }
}
