package io.scopegate.gateway.token;

import com.github.benmanes.caffeine.cache.Interner;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.springframework.security.web.util.matcher.IpAddressMatcher;

/**
 * What the gateway remembers about one Basic username: a scoped token (its own SID), an account's
 * legacy tokens (the account SID), or that nothing by that name exists (cached too, with a bound, so
 * random SIDs cannot make every request a store query).
 */
public sealed interface CachedToken {

    /** Per-token request rate: sustained requests per second and the burst above it. */
    record RateLimit(int requestsPerSecond, int burst) {}

    /** Per-token quota: requests per UTC day and per UTC calendar month, cluster-wide; either may be null. */
    record Quota(Integer perDay, Integer perMonth) {

        static Quota of(Integer perDay, Integer perMonth) {
            return perDay == null && perMonth == null ? null : new Quota(perDay, perMonth);
        }
    }

    record Scoped(
            String sid,
            String accountSid,
            int apiVersion,
            boolean enabled,
            List<Scope> scopes,
            StoredCredential credential,
            Instant expiresAt,
            List<IpAddressMatcher> allowedIps,
            RateLimit rateLimit,
            Quota quota,
            X500Principal clientCertificateSubject)
            implements CachedToken {

        /**
         * Many tokens hold the same grants and up to 20 share an account, but each row read from the
         * store comes with its own strings and sets: a scope list alone was about half of a cached
         * token's heap. Equal lists and account SIDs are shared through weak interners, so an entry
         * costs little beyond its SID and hash, and a value no token holds any more is collected.
         * The scope lists are immutable (List.copyOf of records over unmodifiable sets), so sharing one
         * cannot let a change to one token reach another.
         */
        private static final Interner<String> ACCOUNT_SIDS = Interner.newWeakInterner();

        private static final Interner<List<Scope>> SCOPE_LISTS = Interner.newWeakInterner();

        public Scoped {
            accountSid = accountSid == null ? null : ACCOUNT_SIDS.intern(accountSid);
            scopes = scopes == null ? null : SCOPE_LISTS.intern(List.copyOf(scopes));
        }
    }

    /** A disabled one is kept, not dropped: its holder gets 403 "disabled", not 401, as for scoped tokens. */
    record LegacyCredential(LegacyKind kind, boolean enabled, int apiVersion, StoredCredential credential) {}

    record Legacy(String accountSid, Map<LegacyKind, LegacyCredential> credentials) implements CachedToken {}

    record Unknown() implements CachedToken {}

    Unknown UNKNOWN = new Unknown();
}
