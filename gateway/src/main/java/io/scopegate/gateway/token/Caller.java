package io.scopegate.gateway.token;

import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import java.util.List;
import javax.security.auth.x500.X500Principal;

/**
 * A caller whose secret was verified: whose token it is, which API version it speaks and what it may
 * do. Whether the request was let through is its outcome, not this. For legacy
 * tokens the token id is {@code <accountSid>:READ_WRITE} or {@code <accountSid>:READ_ONLY}.
 */
public record Caller(
        String accountSid,
        String tokenId,
        int apiVersion,
        List<Scope> scopes,
        LegacyKind legacyKind,
        CachedToken.RateLimit rateLimit,
        CachedToken.Quota quota,
        X500Principal clientCertificateSubject) {

    /** The exchange attribute under which the identified caller travels to later filters and metrics. */
    public static final String ATTRIBUTE = Caller.class.getName();

    public static Caller scoped(CachedToken.Scoped token) {
        return new Caller(
                token.accountSid(),
                token.sid(),
                token.apiVersion(),
                token.scopes(),
                null,
                token.rateLimit(),
                token.quota(),
                token.clientCertificateSubject());
    }

    public static Caller legacy(String accountSid, CachedToken.LegacyCredential credential) {
        return new Caller(
                accountSid,
                credential.kind().usageKey(accountSid),
                credential.apiVersion(),
                List.of(),
                credential.kind(),
                null,
                null,
                null);
    }

    /** Deny by default: a scope must name this API and method (HEAD follows GET). */
    public boolean permits(String api, String method) {
        return legacyKind != null ? legacyKind.permits(method) : Scope.anyPermits(scopes, api, method);
    }
}
