package io.scopegate.admin.notify;

import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code token.denial_spike} (and {@code legacy_token.denial_spike}): a token refused more than
 * {@code denial-spike-threshold} times in the last ten minutes, from what the gateways write per minute
 * into {@code token_denials_recent}. Its integration is probably calling an API or method the token
 * lacks, so the notification lists the refusals by API, method and reason. At most one per token an
 * hour, however long the refusals go on: the key names the hour, and a token told in the hour before
 * is not told again until an hour has passed. Runs on the elected replica, which also deletes rows
 * older than an hour.
 */
@Component
class DenialSpikes extends RepeatingWork {

    static final Duration WINDOW = Duration.ofMinutes(10);
    private static final Duration KEPT = Duration.ofHours(1);

    private final DatabaseClient db;
    private final StoreLeader leader;
    private final NotificationProperties settings;
    private final Clock clock;

    DenialSpikes(DatabaseClient db, StoreLeader leader, NotificationProperties settings, Clock clock) {
        this.db = db;
        this.leader = leader;
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
        return notifySpikes(now)
                .then(db.sql("delete from token_denials_recent where minute < :before")
                        .bind("before", now.minus(KEPT))
                        .then())
                .timeout(Duration.ofSeconds(30));
    }

    Mono<Long> notifySpikes(Instant now) {
        long hour = now.getEpochSecond() / 3600;
        // Minutes are buckets: the last ten are this one and the nine before it.
        Instant since = now.truncatedTo(ChronoUnit.MINUTES).minus(WINDOW).plus(Duration.ofMinutes(1));
        return db.sql("""
                with recent as (
                    select token_sid, account_sid, api_id, method, outcome, sum(requests) as requests
                    from token_denials_recent where minute >= :since
                    group by token_sid, account_sid, api_id, method, outcome),
                spikes as (
                    select token_sid, account_sid, sum(requests) as refused,
                           jsonb_agg(jsonb_build_object('api', api_id, 'method', method, 'outcome', outcome,
                                                        'requests', requests) order by requests desc) as refusals,
                           case when strpos(token_sid, ':') > 0 then 'legacy_token.denial_spike'
                                else 'token.denial_spike' end as type
                    from recent group by token_sid, account_sid
                    having sum(requests) > :threshold)
                insert into notification_outbox (account_sid, type, dedupe_key, data, created_at)
                select s.account_sid, s.type, s.type || ':' || s.token_sid || ':' || :hour,
                       jsonb_strip_nulls(jsonb_build_object(
                           'accountSid', s.account_sid,
                           'tokenSid', case when strpos(s.token_sid, ':') > 0 then null else s.token_sid end,
                           'legacyKind', nullif(split_part(s.token_sid, ':', 2), ''),
                           'name', t.name, 'refused', s.refused, 'windowMinutes', :minutes,
                           'refusals', s.refusals)),
                       :now
                from spikes s left join tokens t on t.sid = s.token_sid
                where not exists (select 1 from notification_outbox o
                                  where o.dedupe_key = s.type || ':' || s.token_sid || ':' || (:hour - 1)
                                    and o.created_at > cast(:now as timestamptz) - interval '1 hour')
                on conflict (dedupe_key) do nothing
                """)
                .bind("since", since)
                .bind("threshold", settings.denialSpikeThreshold())
                .bind("hour", hour)
                .bind("minutes", (int) WINDOW.toMinutes())
                .bind("now", now)
                .fetch()
                .rowsUpdated();
    }
}
