package io.scopegate.admin.usage;

import io.scopegate.store.token.QuotaOutcomes;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads the daily usage rows the gateways write. */
@Repository
class UsageRepository {

    /** Requests of one token on one (API, method, outcome) over the window. */
    record Row(String tokenSid, String api, String method, String outcome, long requests, Instant lastUsedAt) {}

    /** Requests of one token the gateways let through today and this month (UTC). */
    record QuotaCount(String tokenSid, long today, long thisMonth) {}

    private final DatabaseClient db;

    UsageRepository(DatabaseClient db) {
        this.db = db;
    }

    /** The first UTC day of a window of {@code days} days ending on the day of {@code now}. */
    static LocalDate firstDay(Instant now, int days) {
        return LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(days - 1L);
    }

    /** Every token of the account (or the one named), days from {@code since} on (UTC). */
    Flux<Row> since(String account, String tokenSid, LocalDate since) {
        return db.sql("""
                select token_sid, api_id, method, outcome, sum(requests) as requests, max(last_used_at) as last_used_at
                from token_usage_daily
                where account_sid = :account and day >= :since and (cast(:sid as varchar) is null or token_sid = :sid)
                group by token_sid, api_id, method, outcome
                """)
                .bind("account", account)
                .bind("since", since)
                .bind("sid", org.springframework.r2dbc.core.Parameter.fromOrEmpty(tokenSid, String.class))
                .map(row -> new Row(
                        row.get("token_sid", String.class),
                        row.get("api_id", String.class),
                        row.get("method", String.class),
                        row.get("outcome", String.class),
                        row.get("requests", Number.class).longValue(),
                        row.get("last_used_at", Instant.class)))
                .all();
    }

    /**
     * What each token of the account (or the one named) used of its quota: the requests the gateways
     * let through on the UTC day of {@code now} and in its UTC month, as the gateways count it
     * ({@link QuotaOutcomes}). Refused requests (out of scope, over the rate, over the quota itself) are not
     * counted: they reached no upstream.
     */
    Mono<Map<String, QuotaCount>> quotaCounts(String account, String tokenSid, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        return db.sql("""
                select token_sid,
                       coalesce(sum(requests) filter (where day = :today), 0) as today,
                       sum(requests) as month
                from token_usage_daily
                where account_sid = :account and day between :monthStart and :today
                  and outcome = any(:outcomes)
                  and (cast(:sid as varchar) is null or token_sid = :sid)
                group by token_sid
                """)
                .bind("account", account)
                .bind("today", today)
                .bind("monthStart", today.withDayOfMonth(1))
                .bind("outcomes", QuotaOutcomes.countedOutcomes())
                .bind("sid", org.springframework.r2dbc.core.Parameter.fromOrEmpty(tokenSid, String.class))
                .map(row -> new QuotaCount(
                        row.get("token_sid", String.class),
                        row.get("today", Number.class).longValue(),
                        row.get("month", Number.class).longValue()))
                .all()
                .collectMap(QuotaCount::tokenSid);
    }
}
