package io.scopegate.gateway.token;

import io.r2dbc.spi.Readable;
import io.scopegate.store.credential.Sids;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.ScopeRows;
import io.scopegate.store.token.TokenState;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Reads one credential from the store: one query per cache miss, never on a hit. */
@Component
class TokenStoreReader implements TokenLoader {

    private static final String SCOPED = """
            select t.sid, t.account_sid, t.api_version, t.state, t.secret_hash, t.previous_secret_hash,
                   t.previous_secret_valid_until, t.expires_at, t.allowed_ips, t.rate_limit_rps, t.rate_limit_burst,
                   t.quota_per_day, t.quota_per_month, t.client_certificate_subject,
                   (select %s from token_scopes where token_sid = t.sid) as scopes
            from tokens t where t.sid = :sid
            """.formatted(ScopeRows.AGGREGATE);

    private final DatabaseClient db;

    TokenStoreReader(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<CachedToken> load(String username) {
        Mono<CachedToken> found = Sids.isTokenSid(username) ? scoped(username) : legacy(username);
        return found.defaultIfEmpty(CachedToken.UNKNOWN);
    }

    private Mono<CachedToken> scoped(String sid) {
        return db.sql(SCOPED)
                .bind("sid", sid)
                .map(TokenStoreReader::scopedToken)
                .one();
    }

    private Mono<CachedToken> legacy(String accountSid) {
        return db.sql("""
                select kind, state, api_version, secret_hash, previous_secret_hash, previous_secret_valid_until
                from legacy_tokens where account_sid = :account
                """)
                .bind("account", accountSid)
                .map(row -> new CachedToken.LegacyCredential(
                        LegacyKind.valueOf(row.get("kind", String.class)),
                        TokenState.valueOf(row.get("state", String.class)).enabled(),
                        row.get("api_version", Integer.class),
                        credential(row)))
                .all()
                .collectList()
                .filter(credentials -> !credentials.isEmpty())
                .map(credentials -> {
                    Map<LegacyKind, CachedToken.LegacyCredential> byKind = new EnumMap<>(LegacyKind.class);
                    credentials.forEach(c -> byKind.put(c.kind(), c));
                    return new CachedToken.Legacy(accountSid, Map.copyOf(byKind));
                });
    }

    private static CachedToken scopedToken(Readable row) {
        String[] ips = row.get("allowed_ips", String[].class);
        Integer rps = row.get("rate_limit_rps", Integer.class);
        String subject = row.get("client_certificate_subject", String.class);
        return new CachedToken.Scoped(
                row.get("sid", String.class),
                row.get("account_sid", String.class),
                row.get("api_version", Integer.class),
                TokenState.valueOf(row.get("state", String.class)).enabled(),
                ScopeRows.group(row.get("scopes", String[].class)),
                credential(row),
                row.get("expires_at", Instant.class),
                ips == null
                        ? null
                        : Arrays.stream(ips).map(IpAddressMatcher::new).toList(),
                rps == null ? null : new CachedToken.RateLimit(rps, row.get("rate_limit_burst", Integer.class)),
                CachedToken.Quota.of(
                        row.get("quota_per_day", Integer.class), row.get("quota_per_month", Integer.class)),
                subject == null ? null : new X500Principal(subject));
    }

    private static StoredCredential credential(Readable row) {
        return new StoredCredential(
                row.get("secret_hash", byte[].class),
                row.get("previous_secret_hash", byte[].class),
                row.get("previous_secret_valid_until", Instant.class));
    }
}
