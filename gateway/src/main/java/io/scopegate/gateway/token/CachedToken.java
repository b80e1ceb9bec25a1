package io.scopegate.gateway.token;

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
            implements CachedToken {}

    /** A disabled one is kept, not dropped: its holder gets 403 "disabled", not 401, as for scoped tokens. */
    record LegacyCredential(LegacyKind kind, boolean enabled, int apiVersion, StoredCredential credential) {}

    record Legacy(String accountSid, Map<LegacyKind, LegacyCredential> credentials) implements CachedToken {}

    record Unknown() implements CachedToken {}

    Unknown UNKNOWN = new Unknown();
}
