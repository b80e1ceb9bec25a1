package io.scopegate.gateway.token;

import io.r2dbc.spi.Readable;
import io.scopegate.store.credential.Sids;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Reads one credential from the store: one query per cache miss, never on a hit. */
@Component
class TokenStoreReader {

    private final DatabaseClient db;

    TokenStoreReader(DatabaseClient db) {
        this.db = db;
    }

    Mono<CachedToken> load(String username) {
        Mono<CachedToken> found = Sids.isTokenSid(username) ? scoped(username) : legacy(username);
        return found.defaultIfEmpty(CachedToken.UNKNOWN);
    }

    private Mono<CachedToken> scoped(String sid) {
        return db.sql("""
                select t.sid, t.account_sid, t.api_version, t.state, t.secret_hash, t.previous_secret_hash,
                       t.previous_secret_valid_until, t.expires_at, t.allowed_ips, t.rate_limit_rps, t.rate_limit_burst,
                       (select array_agg(s.api_id || ' ' || s.method) from token_scopes s where s.token_sid = t.sid) as scopes
                from tokens t where t.sid = :sid
                """)
                .bind("sid", sid)
                .map(TokenStoreReader::scopedToken)
                .one();
    }

    private Mono<CachedToken> legacy(String accountSid) {
        return db.sql("""
                select kind, api_version, secret_hash, previous_secret_hash, previous_secret_valid_until
                from legacy_tokens where account_sid = :account
                """)
                .bind("account", accountSid)
                .map(row -> new CachedToken.LegacyCredential(LegacyKind.valueOf(row.get("kind", String.class)),
                        row.get("api_version", Integer.class), credential(row)))
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
        return new CachedToken.Scoped(row.get("sid", String.class), row.get("account_sid", String.class),
                row.get("api_version", Integer.class), "ENABLED".equals(row.get("state", String.class)),
                scopes(row.get("scopes", String[].class)), credential(row), row.get("expires_at", Instant.class),
                ips == null ? null : java.util.Arrays.stream(ips).map(IpAddressMatcher::new).toList(),
                rps == null ? null : new CachedToken.RateLimit(rps, row.get("rate_limit_burst", Integer.class)));
    }

    private static StoredCredential credential(Readable row) {
        return new StoredCredential(row.get("secret_hash", byte[].class), row.get("previous_secret_hash", byte[].class),
                row.get("previous_secret_valid_until", Instant.class));
    }

    /** {@code ["campaigns GET", "campaigns POST"]} to one Scope per API. */
    private static List<Scope> scopes(String[] pairs) {
        if (pairs == null) {
            return List.of();
        }
        Map<String, TreeSet<String>> byApi = new TreeMap<>();
        for (String pair : pairs) {
            int space = pair.indexOf(' ');
            byApi.computeIfAbsent(pair.substring(0, space), k -> new TreeSet<>()).add(pair.substring(space + 1));
        }
        List<Scope> scopes = new ArrayList<>();
        byApi.forEach((api, methods) -> scopes.add(new Scope(api, methods)));
        return List.copyOf(scopes);
    }
}
