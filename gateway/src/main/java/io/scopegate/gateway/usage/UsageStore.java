package io.scopegate.gateway.usage;

import io.scopegate.gateway.observability.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Writes a batch of usage in one transaction: its id into {@code usage_batches} (a batch already
 * there is left alone: it was written before, by a try whose answer was lost), the daily rows (added
 * to what other replicas wrote) and the {@code last_used_at} of scoped and of legacy tokens from their
 * allowed requests. Arrays travel as text and bigint and are cast in SQL, which every driver version
 * binds the same way.
 */
@Component
class UsageStore {

    private final DatabaseClient db;
    private final TransactionalOperator tx;

    UsageStore(DatabaseClient db, TransactionalOperator tx) {
        this.db = db;
        this.tx = tx;
    }

    /** True when the batch was added now, false when it had been already. */
    Mono<Boolean> write(UsageRecorder.Batch batch) {
        Mono<Boolean> once = db.sql("insert into usage_batches (batch_id) values (:id) on conflict do nothing")
                .bind("id", batch.id())
                .fetch()
                .rowsUpdated()
                .flatMap(inserted ->
                        inserted == 0 ? Mono.just(false) : rows(batch.rows()).thenReturn(true));
        return tx.transactional(once);
    }

    private Mono<Void> rows(Map<UsageRecorder.Key, UsageRecorder.Totals> batch) {
        List<String> tokens = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        List<String> days = new ArrayList<>();
        List<String> apis = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        List<Long> lasts = new ArrayList<>();
        List<String> usedTokens = new ArrayList<>();
        List<Long> usedAt = new ArrayList<>();
        batch.forEach((key, totals) -> {
            tokens.add(key.tokenId());
            accounts.add(key.accountSid());
            days.add(key.day().toString());
            apis.add(key.api());
            methods.add(key.method());
            outcomes.add(key.outcome());
            counts.add(totals.requests());
            lasts.add(totals.lastAt().toEpochMilli());
            if (Outcome.ALLOWED.equals(key.outcome())) {
                usedTokens.add(key.tokenId());
                usedAt.add(totals.lastAt().toEpochMilli());
            }
        });
        Mono<Void> rows = db.sql("""
                insert into token_usage_daily
                       (token_sid, account_sid, day, api_id, method, outcome, requests, last_used_at)
                select t, a, cast(d as date), api, m, o, n, to_timestamp(ms / 1000.0)
                from unnest(cast(:tokens as text[]), cast(:accounts as text[]), cast(:days as text[]),
                            cast(:apis as text[]), cast(:methods as text[]), cast(:outcomes as text[]),
                            cast(:counts as bigint[]), cast(:lasts as bigint[]))
                     as u(t, a, d, api, m, o, n, ms)
                -- In key order: replicas flushing the same tokens' rows then lock them in the same order and
                -- one waits for the other, where in any order they deadlock (seen in a revocation storm).
                order by t, d, api, m, o
                on conflict (token_sid, day, api_id, method, outcome) do update
                   set requests = token_usage_daily.requests + excluded.requests,
                       last_used_at = greatest(token_usage_daily.last_used_at, excluded.last_used_at)
                """)
                .bind("tokens", tokens.toArray(String[]::new))
                .bind("accounts", accounts.toArray(String[]::new))
                .bind("days", days.toArray(String[]::new))
                .bind("apis", apis.toArray(String[]::new))
                .bind("methods", methods.toArray(String[]::new))
                .bind("outcomes", outcomes.toArray(String[]::new))
                .bind("counts", counts.toArray(Long[]::new))
                .bind("lasts", lasts.toArray(Long[]::new))
                .then();
        if (usedTokens.isEmpty()) {
            return rows;
        }
        String[] used = usedTokens.toArray(String[]::new);
        Long[] at = usedAt.toArray(Long[]::new);
        // The rows are locked in SID order first, for the same reason as above: an UPDATE … FROM locks
        // them in whatever order its join comes up with.
        return rows.then(db.sql("""
                        with u as (select sid, to_timestamp(max(ms) / 1000.0) as at
                                   from unnest(cast(:sids as text[]), cast(:lasts as bigint[])) as x(sid, ms)
                                   group by sid),
                             locked as (select t.sid from tokens t join u on t.sid = u.sid
                                        order by t.sid for no key update of t)
                        update tokens t set last_used_at = greatest(t.last_used_at, u.at)
                        from u join locked on locked.sid = u.sid
                        where t.sid = u.sid
                        """).bind("sids", used).bind("lasts", at).then())
                .then(db.sql("""
                        with u as (select sid, to_timestamp(max(ms) / 1000.0) as at
                                   from unnest(cast(:sids as text[]), cast(:lasts as bigint[])) as x(sid, ms)
                                   group by sid),
                             locked as (select l.account_sid, l.kind from legacy_tokens l
                                        join u on l.account_sid || ':' || l.kind = u.sid
                                        order by l.account_sid, l.kind for no key update of l)
                        update legacy_tokens l set last_used_at = greatest(l.last_used_at, u.at)
                        from u join locked on locked.account_sid || ':' || locked.kind = u.sid
                        where l.account_sid = locked.account_sid and l.kind = locked.kind
                        """).bind("sids", used).bind("lasts", at).then());
    }
}
