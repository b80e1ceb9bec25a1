package io.scopegate.gateway.auth;

import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.Caller;
import io.scopegate.gateway.token.TokenCache;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.credential.KeyedHasher;
import io.scopegate.store.credential.Sids;
import io.scopegate.store.lifecycle.StoreFailures;
import java.time.Clock;
import java.time.Instant;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Decides who a request is. The username's shape (a token or account SID) and the secret's checksum
 * are checked before any lookup, so malformed input (control bytes, NUL, oversized names) is the
 * common 403 and never reaches the store, whose refusal of it would look like an outage; the keyed hash is
 * compared in constant time; an unknown username costs one hash too, so timing does not tell known
 * SIDs from unknown ones.
 */
@Component
class Authenticator {

    private static final AuthDecision UNAUTHENTICATED = new AuthDecision.Denied(Outcome.UNAUTHENTICATED);

    private final TokenCache cache;
    private final OutageGrace outageGrace;
    private final KeyedHasher hasher;
    private final Clock clock;

    Authenticator(TokenCache cache, OutageGrace outageGrace, KeyedHasher hasher, Clock clock) {
        this.cache = cache;
        this.outageGrace = outageGrace;
        this.hasher = hasher;
        this.clock = clock;
    }

    /**
     * The decision when it can be made from memory, or null when the token must first be loaded from
     * the store (then use {@link #loadAndDecide}). Keeps the common case free of publishers.
     */
    AuthDecision decideFromMemory(BasicCredentials credentials, String clientAddress) {
        if (!wellFormed(credentials)) {
            return UNAUTHENTICATED;
        }
        CachedToken token = cache.loaded(credentials.username());
        return token == null ? null : decide(token, credentials, clientAddress, clock.instant());
    }

    /** Whether {@link #loadAndDecide} would join a store lookup already under way rather than start one. */
    boolean joinsLoadUnderWay(BasicCredentials credentials) {
        return cache.loading(credentials.username());
    }

    /**
     * The decision for well-formed credentials whose token is not in memory yet. When the store does
     * not answer (within its timeout) an unknown token gets 503, never 403. Any other error is a bug
     * and goes on as an error: logged with its cause and answered 500, not disguised as an outage.
     */
    Mono<AuthDecision> loadAndDecide(BasicCredentials credentials, String clientAddress) {
        if (!wellFormed(credentials)) {
            // Callers ask decideFromMemory first; should one not, malformed input still never reaches the store.
            return Mono.just(UNAUTHENTICATED);
        }
        return cache.get(credentials.username())
                .map(token -> decide(token, credentials, clientAddress, clock.instant()))
                // A loader that answers nothing has vouched for nobody.
                .defaultIfEmpty(UNAUTHENTICATED)
                .onErrorResume(StoreFailures::isStoreFailure, error -> Mono.just(AuthDecision.UNAVAILABLE));
    }

    /** A username shaped like a SID and a secret with the right format and checksum: only these are looked up. */
    private static boolean wellFormed(BasicCredentials credentials) {
        return credentials != null
                && Sids.isWellFormedUsername(credentials.username())
                && CredentialFormat.isWellFormed(credentials.secret());
    }

    /**
     * The decision for credentials against a token's state at {@code now}: for requests, and again
     * for an open WebSocket tunnel whenever its token changes (see {@link Tunnels}).
     */
    AuthDecision decide(CachedToken token, BasicCredentials credentials, String clientAddress, Instant now) {
        AuthDecision decision;
        if (token instanceof CachedToken.Scoped scoped) {
            decision = decideScoped(scoped, credentials.secret(), clientAddress, now);
        } else if (token instanceof CachedToken.Legacy legacy) {
            decision = decideLegacy(legacy, credentials.secret(), now);
        } else {
            hasher.hash(credentials.secret());
            decision = UNAUTHENTICATED;
        }
        // Fail open only within outage-grace: past it a revocation may have been missed, so a cached
        // "yes" is no longer trusted (503). A cached "no" stays a no.
        if (decision instanceof AuthDecision.Allowed && !outageGrace.vouchesAt(now)) {
            return AuthDecision.UNAVAILABLE;
        }
        return decision;
    }

    private AuthDecision decideScoped(CachedToken.Scoped token, String secret, String clientAddress, Instant now) {
        if (!token.credential().accepts(hasher, secret, now)) {
            return UNAUTHENTICATED;
        }
        Caller caller = Caller.scoped(token);
        if (!token.enabled()) {
            return new AuthDecision.Denied(Outcome.DISABLED, caller);
        }
        if (token.expiresAt() != null && !now.isBefore(token.expiresAt())) {
            return new AuthDecision.Denied(Outcome.EXPIRED, caller);
        }
        if (token.allowedIps() != null && !anyMatches(token.allowedIps(), clientAddress)) {
            return new AuthDecision.Denied(Outcome.IP_NOT_ALLOWED, caller);
        }
        return new AuthDecision.Allowed(caller);
    }

    private AuthDecision decideLegacy(CachedToken.Legacy legacy, String secret, Instant now) {
        CachedToken.LegacyCredential matched = null;
        for (CachedToken.LegacyCredential credential : legacy.credentials().values()) {
            if (credential.credential().accepts(hasher, secret, now)) {
                matched = credential;
            }
        }
        if (matched == null) {
            return UNAUTHENTICATED;
        }
        Caller caller = Caller.legacy(legacy.accountSid(), matched);
        return matched.enabled() ? new AuthDecision.Allowed(caller) : new AuthDecision.Denied(Outcome.DISABLED, caller);
    }

    private static boolean anyMatches(Iterable<IpAddressMatcher> allowed, String address) {
        for (IpAddressMatcher matcher : allowed) {
            if (matcher.matches(address)) {
                return true;
            }
        }
        return false;
    }
}
