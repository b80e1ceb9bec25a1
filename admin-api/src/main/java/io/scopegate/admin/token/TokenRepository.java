package io.scopegate.admin.token;

import io.r2dbc.spi.Readable;
import io.scopegate.admin.credential.IssuedSecret;
import io.scopegate.admin.credential.Rotation;
import io.scopegate.admin.credential.SecretColumns;
import io.scopegate.store.scope.Scope;
import io.scopegate.store.scope.ScopeRows;
import io.scopegate.store.token.TokenState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The tokens and token_scopes tables. Every read is by account, so another account's SID is simply not found. */
@Repository
class TokenRepository {

    private static final String SELECT = """
            select sid, account_sid, name, description, primary_contact, developer_emails, api_version, state,
                   created_at, updated_at, credentials_rotated_at, last_used_at, expires_at, allowed_ips,
                   rate_limit_rps, rate_limit_burst, quota_per_day, quota_per_month, client_certificate_subject
            from tokens
            """;

    private final DatabaseClient db;

    TokenRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<TokenRecord> find(String account, String sid) {
        return select(account, sid, "");
    }

    /** Locks the token row for the rest of the transaction (reset, state changes, edits). */
    Mono<TokenRecord> lock(String account, String sid) {
        return select(account, sid, " for update");
    }

    private Mono<TokenRecord> select(String account, String sid, String lockClause) {
        return db.sql(SELECT + " where account_sid = :account and sid = :sid" + lockClause)
                .bind("account", account)
                .bind("sid", sid)
                .map(TokenRepository::token)
                .one()
                .flatMap(this::withScopes);
    }

    Flux<TokenRecord> list(String account, TokenListQuery query, Instant now) {
        return list(account, query, now, null, null);
    }

    /**
     * Newest first (ties by SID), the filters' windows measured from {@code now}.
     *
     * @param after  the last row of the previous page (keyset), or null for the first page
     * @param limit  at most this many rows, or null for all
     */
    Flux<TokenRecord> list(
            String account, TokenListQuery query, Instant now, TokenListQuery.Position after, Integer limit) {
        Instant from = query.createdOn() == null ? null : query.createdOn().createdAfter(now);
        Instant before = query.createdOn() == null ? null : query.createdOn().createdBefore(now);
        return db.sql(SELECT + """
                 where account_sid = :account
                   and (cast(:name as varchar) is null or position(lower(cast(:name as varchar)) in lower(name)) > 0)
                   and (cast(:from as timestamptz) is null or created_at >= :from)
                   and (cast(:before as timestamptz) is null or created_at < :before)
                   and (cast(:state as varchar) is null or state = :state)
                   and (cast(:afterCreated as timestamptz) is null
                        or created_at < :afterCreated or (created_at = :afterCreated and sid > :afterSid))
                 order by created_at desc, sid
                 limit :limit
                """)
                .bind("account", account)
                .bind("name", Parameter.fromOrEmpty(query.name(), String.class))
                .bind("from", Parameter.fromOrEmpty(from, Instant.class))
                .bind("before", Parameter.fromOrEmpty(before, Instant.class))
                .bind(
                        "state",
                        Parameter.fromOrEmpty(
                                query.state() == null ? null : query.state().name(), String.class))
                .bind("afterCreated", Parameter.fromOrEmpty(after == null ? null : after.createdAt(), Instant.class))
                .bind("afterSid", Parameter.fromOrEmpty(after == null ? null : after.sid(), String.class))
                .bind("limit", Parameter.fromOrEmpty(limit, Integer.class))
                .map(TokenRepository::token)
                .all()
                .collectList()
                .flatMapMany(tokens -> scopesOf(tokens)
                        .flatMapMany(scopes -> Flux.fromIterable(tokens)
                                .map(token -> token.withScopes(scopes.getOrDefault(token.sid(), List.of())))));
    }

    Mono<Void> insert(TokenRecord token, IssuedSecret secret) {
        return db.sql("""
                insert into tokens (sid, account_sid, name, description, primary_contact, developer_emails, api_version,
                                    state, secret_hash, secret_ciphertext, expires_at, allowed_ips, rate_limit_rps,
                                    rate_limit_burst, quota_per_day, quota_per_month, client_certificate_subject,
                                    created_at, updated_at, credentials_rotated_at)
                values (:sid, :account, :name, :description, :contact, :emails, :version, :state, :hash, :ciphertext,
                        :expires, :ips, :rps, :burst, :perDay, :perMonth, :subject, :created, :updated, :rotated)
                """)
                .bind("sid", token.sid())
                .bind("account", token.accountSid())
                .bind("hash", secret.hash())
                .bind("ciphertext", Parameter.fromOrEmpty(secret.ciphertext(), byte[].class))
                .bind("created", token.createdAt())
                .bind("rotated", token.credentialsRotatedAt())
                .bindValues(settings(token))
                .then()
                .then(replaceScopes(token.sid(), token.scopes()));
    }

    /** Writes every editable column, the version and the state. */
    Mono<Void> update(TokenRecord token) {
        return db.sql("""
                update tokens set name = :name, description = :description, primary_contact = :contact,
                                  developer_emails = :emails, api_version = :version, state = :state,
                                  disabled_at = case when :state = 'DISABLED'
                                                     then coalesce(disabled_at, :updated) end,
                                  expires_at = :expires, allowed_ips = :ips, rate_limit_rps = :rps,
                                  rate_limit_burst = :burst, quota_per_day = :perDay, quota_per_month = :perMonth,
                                  client_certificate_subject = :subject, updated_at = :updated
                where sid = :sid
                """).bind("sid", token.sid()).bindValues(settings(token)).then();
    }

    /** Since when the token has been disabled; empty while it is enabled. */
    Mono<Instant> disabledSince(String sid) {
        return db.sql("select disabled_at from tokens where sid = :sid and disabled_at is not null")
                .bind("sid", sid)
                .map(row -> row.get("disabled_at", Instant.class))
                .one();
    }

    Mono<Void> replaceScopes(String sid, List<Scope> scopes) {
        List<String> apis = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        for (Scope scope : scopes) {
            for (String method : scope.methods()) {
                apis.add(scope.api());
                methods.add(method);
            }
        }
        Mono<Void> clear = db.sql("delete from token_scopes where token_sid = :sid")
                .bind("sid", sid)
                .then();
        if (apis.isEmpty()) {
            return clear;
        }
        return clear.then(db.sql("""
                insert into token_scopes (token_sid, api_id, method)
                select :sid, api, method from unnest(cast(:apis as text[]), cast(:methods as text[])) as s(api, method)
                """)
                .bind("sid", sid)
                .bind("apis", apis.toArray(String[]::new))
                .bind("methods", methods.toArray(String[]::new))
                .then());
    }

    Mono<byte[]> secretHash(String sid) {
        return db.sql("select secret_hash from tokens where sid = :sid")
                .bind("sid", sid)
                .map((row, meta) -> row.get(0, byte[].class))
                .one();
    }

    /** Empty optional when the token has no ciphertext (issued while retrieval was off). */
    Mono<Optional<byte[]>> secretCiphertext(String sid) {
        return db.sql("select secret_ciphertext from tokens where sid = :sid")
                .bind("sid", sid)
                .map((row, meta) -> Optional.ofNullable(row.get(0, byte[].class)))
                .one();
    }

    Mono<Void> replaceSecret(String sid, Rotation rotation, Instant now) {
        return SecretColumns.bindRotation(
                        db.sql("update tokens set " + SecretColumns.ROTATION_ASSIGNMENTS + " where sid = :sid")
                                .bind("sid", sid),
                        rotation,
                        now)
                .then();
    }

    Mono<Void> delete(String sid) {
        return db.sql("delete from tokens where sid = :sid").bind("sid", sid).then();
    }

    private static Map<String, Object> settings(TokenRecord token) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("name", token.name());
        values.put("description", Parameter.fromOrEmpty(token.description(), String.class));
        values.put("contact", Parameter.fromOrEmpty(token.primaryContact(), String.class));
        values.put("emails", token.developerEmails().toArray(String[]::new));
        values.put("version", token.apiVersion());
        values.put("state", token.state().name());
        values.put("expires", Parameter.fromOrEmpty(token.expiresAt(), Instant.class));
        values.put(
                "ips",
                Parameter.fromOrEmpty(
                        token.allowedIps() == null ? null : token.allowedIps().toArray(String[]::new), String[].class));
        values.put(
                "rps",
                Parameter.fromOrEmpty(
                        token.rateLimit() == null ? null : token.rateLimit().requestsPerSecond(), Integer.class));
        values.put(
                "burst",
                Parameter.fromOrEmpty(
                        token.rateLimit() == null ? null : token.rateLimit().burst(), Integer.class));
        values.put(
                "perDay",
                Parameter.fromOrEmpty(
                        token.quota() == null ? null : token.quota().perDay(), Integer.class));
        values.put(
                "perMonth",
                Parameter.fromOrEmpty(
                        token.quota() == null ? null : token.quota().perMonth(), Integer.class));
        values.put("subject", Parameter.fromOrEmpty(token.clientCertificateSubject(), String.class));
        values.put("updated", token.updatedAt());
        return values;
    }

    private Mono<TokenRecord> withScopes(TokenRecord token) {
        return scopesOf(List.of(token)).map(scopes -> token.withScopes(scopes.getOrDefault(token.sid(), List.of())));
    }

    private Mono<Map<String, List<Scope>>> scopesOf(List<TokenRecord> tokens) {
        if (tokens.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("select token_sid, " + ScopeRows.AGGREGATE
                        + " from token_scopes where token_sid = any(:sids) group by token_sid")
                .bind("sids", tokens.stream().map(TokenRecord::sid).toArray(String[]::new))
                .map((row, meta) -> Map.entry(row.get(0, String.class), ScopeRows.group(row.get(1, String[].class))))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }

    private static TokenRecord token(Readable row) {
        Integer rps = row.get("rate_limit_rps", Integer.class);
        String[] ips = row.get("allowed_ips", String[].class);
        return new TokenRecord(
                row.get("sid", String.class),
                row.get("account_sid", String.class),
                row.get("name", String.class),
                row.get("description", String.class),
                row.get("primary_contact", String.class),
                Arrays.asList(row.get("developer_emails", String[].class)),
                row.get("api_version", Integer.class),
                TokenState.valueOf(row.get("state", String.class)),
                List.of(),
                row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class),
                row.get("credentials_rotated_at", Instant.class),
                row.get("last_used_at", Instant.class),
                row.get("expires_at", Instant.class),
                ips == null ? null : Arrays.asList(ips),
                rps == null ? null : new RateLimit(rps, row.get("rate_limit_burst", Integer.class)),
                Quota.of(row.get("quota_per_day", Integer.class), row.get("quota_per_month", Integer.class)),
                row.get("client_certificate_subject", String.class));
    }
}
