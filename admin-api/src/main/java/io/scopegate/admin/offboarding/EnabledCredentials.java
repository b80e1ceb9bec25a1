package io.scopegate.admin.offboarding;

import io.scopegate.admin.offboarding.DisabledCredentials.DisabledToken;
import io.scopegate.store.scope.LegacyKind;
import java.time.Instant;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Disables an account's enabled credentials in one statement per table, returning which ones it
 * changed. The columns are those the single-token calls write: {@code disabled_at} keeps the first
 * moment a token went off, {@code updated_at} the change.
 */
@Repository
class EnabledCredentials {

    private final DatabaseClient db;

    EnabledCredentials(DatabaseClient db) {
        this.db = db;
    }

    /** @param sids only these scoped tokens, or every one of the account when null */
    Mono<List<DisabledToken>> disableTokens(String account, List<String> sids, Instant now) {
        // The rows are locked in SID order first, the order the gateways' usage flush locks tokens in: a
        // plain UPDATE locks them in the table's order and could deadlock with a flush of the same tokens.
        var spec = db.sql("""
                        with locked as (select sid from tokens
                                        where account_sid = :account and state = 'ENABLED' %s
                                        order by sid for no key update)
                        update tokens t set state = 'DISABLED', disabled_at = coalesce(t.disabled_at, :now), updated_at = :now
                        from locked where t.sid = locked.sid
                        returning t.sid, t.name
                        """.formatted(sids == null ? "" : "and sid = any(:sids)"))
                .bind("account", account)
                .bind("now", now);
        if (sids != null) {
            spec = spec.bind("sids", sids.toArray(String[]::new));
        }
        return spec.map(row -> new DisabledToken(row.get("sid", String.class), row.get("name", String.class)))
                .all()
                .sort((a, b) -> a.sid().compareTo(b.sid()))
                .collectList();
    }

    Mono<List<LegacyKind>> disableLegacyTokens(String account, Instant now) {
        // In the usage flush's order too (account, then kind).
        return db.sql("""
                        with locked as (select kind from legacy_tokens
                                        where account_sid = :account and state = 'ENABLED'
                                        order by kind for no key update)
                        update legacy_tokens l set state = 'DISABLED', disabled_at = :now, updated_at = :now
                        from locked where l.account_sid = :account and l.kind = locked.kind
                        returning l.kind
                        """)
                .bind("account", account)
                .bind("now", now)
                .map(row -> LegacyKind.valueOf(row.get("kind", String.class)))
                .all()
                .sort()
                .collectList();
    }

    /** The SIDs in {@code sids} that are not scoped tokens of the account. */
    Mono<List<String>> notInAccount(String account, List<String> sids) {
        return db.sql("select sid from tokens where account_sid = :account and sid = any(:sids)")
                .bind("account", account)
                .bind("sids", sids.toArray(String[]::new))
                .map(row -> row.get("sid", String.class))
                .all()
                .collectList()
                .map(found -> sids.stream().filter(sid -> !found.contains(sid)).toList());
    }
}
