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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Reads credentials from the store, never on a cache hit: the cache's misses come in batches, and a
 * batch costs one query for its token SIDs and one for its account SIDs (legacy tokens), each by
 * {@code = any(:names)} on the primary key.
 */
@Component
class TokenStoreReader implements TokenLoader {

    private static final String SCOPED = """
            select t.sid, t.account_sid, t.api_version, t.state, t.secret_hash, t.previous_secret_hash,
                   t.previous_secret_valid_until, t.expires_at, t.allowed_ips, t.rate_limit_rps, t.rate_limit_burst,
                   t.quota_per_day, t.quota_per_month, t.client_certificate_subject,
                   (select %s from token_scopes where token_sid = t.sid) as scopes
            from tokens t where t.sid = any(:sids)
            """.formatted(ScopeRows.AGGREGATE);

    private static final String LEGACY = """
            select account_sid, kind, state, api_version, secret_hash, previous_secret_hash, previous_secret_valid_until
            from legacy_tokens where account_sid = any(:accounts)
            """;

    private final DatabaseClient db;

    TokenStoreReader(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public Mono<CachedToken> load(String username) {
        return loadAll(List.of(username)).mapNotNull(found -> found.get(username));
    }

    /** Every name gets an answer: the credential, or {@link CachedToken#UNKNOWN} when the store has none. */
    @Override
    public Mono<Map<String, CachedToken>> loadAll(List<String> usernames) {
        // The cache's key instance is kept as the token's SID, so an entry holds that string once.
        Map<String, String> tokenSids = new HashMap<>();
        Map<String, String> accountSids = new HashMap<>();
        for (String username : usernames) {
            (Sids.isTokenSid(username) ? tokenSids : accountSids).put(username, username);
        }
        return Mono.zip(scoped(tokenSids), legacy(accountSids)).map(both -> {
            Map<String, CachedToken> found = new HashMap<>(both.getT1());
            found.putAll(both.getT2());
            for (String username : usernames) {
                found.putIfAbsent(username, CachedToken.UNKNOWN);
            }
            return found;
        });
    }

    private Mono<Map<String, CachedToken>> scoped(Map<String, String> sids) {
        if (sids.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql(SCOPED)
                .bind("sids", sids.keySet().toArray(String[]::new))
                .map(row -> scopedToken(row, sids))
                .all()
                .collectMap(CachedToken.Scoped::sid, token -> token);
    }

    private Mono<Map<String, CachedToken>> legacy(Map<String, String> accounts) {
        if (accounts.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql(LEGACY)
                .bind("accounts", accounts.keySet().toArray(String[]::new))
                .map(row -> Map.entry(
                        row.get("account_sid", String.class),
                        new CachedToken.LegacyCredential(
                                LegacyKind.valueOf(row.get("kind", String.class)),
                                TokenState.valueOf(row.get("state", String.class))
                                        .enabled(),
                                row.get("api_version", Integer.class),
                                credential(row))))
                .all()
                .collectMultimap(Map.Entry::getKey, Map.Entry::getValue)
                .map(byAccount -> {
                    Map<String, CachedToken> found = new HashMap<>();
                    byAccount.forEach((account, credentials) -> found.put(
                            accounts.getOrDefault(account, account), legacyToken(accounts, account, credentials)));
                    return found;
                });
    }

    private static CachedToken legacyToken(
            Map<String, String> accounts, String account, Iterable<CachedToken.LegacyCredential> credentials) {
        Map<LegacyKind, CachedToken.LegacyCredential> byKind = new EnumMap<>(LegacyKind.class);
        credentials.forEach(c -> byKind.put(c.kind(), c));
        return new CachedToken.Legacy(accounts.getOrDefault(account, account), Map.copyOf(byKind));
    }

    private static CachedToken.Scoped scopedToken(Readable row, Map<String, String> requested) {
        String sid = row.get("sid", String.class);
        String[] ips = row.get("allowed_ips", String[].class);
        Integer rps = row.get("rate_limit_rps", Integer.class);
        String subject = row.get("client_certificate_subject", String.class);
        return new CachedToken.Scoped(
                requested.getOrDefault(sid, sid),
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
