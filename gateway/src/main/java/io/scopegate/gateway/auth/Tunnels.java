package io.scopegate.gateway.auth;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.gateway.catalog.ApiRoute;
import io.scopegate.gateway.catalog.CatalogRoutes;
import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.scope.ScopePolicy;
import io.scopegate.gateway.tls.ClientCertificates;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.Caller;
import io.scopegate.gateway.token.TokenCache;
import io.scopegate.store.lifecycle.StoreFailures;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.security.auth.x500.X500Principal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.context.event.EventListener;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.socket.CloseStatus;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * The WebSocket tunnels open through this gateway, by Basic username, and what closes them when access
 * ends. A tunnel's handshake is checked like any request (the access filter); its frames then pass
 * unchecked, so the tunnel is checked again, by the same rules against the new state, whenever the
 * answer may have changed:
 * <ul>
 * <li>the store changed its token (the cache says so as it applies the change: disable, reset, delete,
 * scopes, addresses), which keeps the revocation bound of one second;</li>
 * <li>the catalog changed (the API stopped accepting WebSockets, stopped serving GET, or went);</li>
 * <li>time alone changes it: the token's {@code expiresAt}, the end of a reset's grace for the old
 * secret, the end of {@code outage-grace} — a close is scheduled for the earliest of these.</li>
 * </ul>
 * A tunnel no longer allowed is closed with 1008 (policy violation) towards the client; Spring Cloud
 * Gateway's proxy handler closes the upstream side with the same status. Reactor Netty closes the
 * connection after sending the close frame, so a client that ignores it cannot keep the tunnel.
 */
@Component
class Tunnels implements TokenCache.ChangeListener {

    private static final Logger log = LoggerFactory.getLogger(Tunnels.class);

    /** The reason is the refusal's title for every cause, as for 403s: the client learns no more. */
    static final CloseStatus REVOKED = CloseStatus.POLICY_VIOLATION.withReason("Access Denied");

    /** A timed check never runs sooner than this after the last, whatever the clocks say. */
    private static final Duration MIN_WAIT = Duration.ofMillis(10);

    /** The answer of one check: keep the tunnel (and check again by {@code recheckAt}) or close it. */
    record Verdict(boolean keep, Instant recheckAt) {

        static final Verdict CLOSE = new Verdict(false, null);
    }

    private final Map<String, Set<Tunnel>> byUsername = new ConcurrentHashMap<>();
    private final AtomicInteger open = new AtomicInteger();
    private final TokenCache cache;
    private final Authenticator authenticator;
    private final ScopePolicy scopes;
    private final CatalogRoutes catalog;
    private final ClientAddress clientAddress;
    private final OutageGrace outageGrace;
    private final Clock clock;
    private final Counter closed;

    Tunnels(
            TokenCache cache,
            Authenticator authenticator,
            ScopePolicy scopes,
            CatalogRoutes catalog,
            ClientAddress clientAddress,
            OutageGrace outageGrace,
            Clock clock,
            MeterRegistry registry) {
        this.cache = cache;
        this.authenticator = authenticator;
        this.scopes = scopes;
        this.catalog = catalog;
        this.clientAddress = clientAddress;
        this.outageGrace = outageGrace;
        this.clock = clock;
        Gauge.builder("scopegate.websocket.tunnels", open, AtomicInteger::get)
                .description("WebSocket tunnels open through this gateway")
                .register(registry);
        this.closed = Counter.builder("scopegate.websocket.tunnels.closed")
                .description("WebSocket tunnels this gateway closed because their token no longer grants them")
                .register(registry);
        cache.addListener(this);
    }

    /**
     * The tunnel a handshake may open, or null when it may open none: only a request the access filter
     * allowed, with its verified caller, to an API of the catalog that accepts WebSockets.
     */
    Tunnel admit(ServerWebExchange exchange) {
        Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        BasicCredentials credentials =
                BasicCredentials.parse(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        if (caller == null
                || route == null
                || credentials == null
                || !Outcome.ALLOWED.equals(Outcome.of(exchange))
                || !CatalogRoutes.websocket(route)) {
            return null;
        }
        return new Tunnel(
                credentials,
                clientAddress.resolve(exchange.getRequest()),
                ClientCertificates.presentedSubject(exchange.getRequest()),
                CatalogRoutes.apiId(route),
                caller.tokenId());
    }

    /** Runs the proxying of an admitted tunnel whose client session is open, tracked until it ends. */
    Mono<Void> carry(Tunnel tunnel, WebSocketSession session, Mono<Void> proxying) {
        return Mono.defer(() -> {
                    track(tunnel, session);
                    return proxying;
                })
                .doFinally(signal -> forget(tunnel));
    }

    @Override
    public void changed(String username) {
        Set<Tunnel> tunnels = byUsername.get(username);
        if (tunnels != null) {
            tunnels.forEach(this::check);
        }
    }

    @Override
    public void changedAll() {
        byUsername.values().forEach(tunnels -> tunnels.forEach(this::check));
    }

    /** The catalog was reloaded (published after the new catalog is in place). */
    @EventListener(RefreshRoutesEvent.class)
    void catalogChanged() {
        changedAll();
    }

    int open() {
        return open.get();
    }

    /**
     * Registered first, then checked against the token's current entry: a change applied while the
     * handshake was under way is either seen by this check or finds the tunnel registered.
     */
    private void track(Tunnel tunnel, WebSocketSession session) {
        tunnel.session = session;
        byUsername.compute(tunnel.username(), (username, tunnels) -> {
            Set<Tunnel> set = tunnels == null ? ConcurrentHashMap.newKeySet() : tunnels;
            set.add(tunnel);
            return set;
        });
        open.incrementAndGet();
        check(tunnel);
    }

    private void forget(Tunnel tunnel) {
        tunnel.ended();
        byUsername.computeIfPresent(tunnel.username(), (username, tunnels) -> {
            tunnels.remove(tunnel);
            return tunnels.isEmpty() ? null : tunnels;
        });
        open.decrementAndGet();
    }

    /** Checks the tunnel against its token's entry, loading it if the change dropped it. */
    void check(Tunnel tunnel) {
        if (tunnel.isOver()) {
            return;
        }
        cache.get(tunnel.username())
                .map(token -> verdict(tunnel, token))
                // Fail closed: the token changed (or time ran out) and its state cannot be read now; a
                // request would get 503 meanwhile. The client can reconnect once the store answers.
                .onErrorResume(StoreFailures::isStoreFailure, error -> Mono.just(Verdict.CLOSE))
                .subscribe(verdict -> act(tunnel, verdict), error -> closeAfterError(tunnel, error));
    }

    /**
     * The rules of the handshake, at this instant: the credentials still pass, the scope still grants it,
     * and the certificate the connection presented still satisfies the token's binding and the API.
     */
    Verdict verdict(Tunnel tunnel, CachedToken token) {
        Instant now = clock.instant();
        AuthDecision decision = authenticator.decide(token, tunnel.credentials(), tunnel.clientAddress(), now);
        ApiRoute api = catalog.api(tunnel.api());
        if (decision instanceof AuthDecision.Allowed allowed
                && scopes.permitsTunnel(allowed.caller(), api)
                && ClientCertificates.permit(tunnel.presentedSubject(), allowed.caller(), api.mutualTls())) {
            return new Verdict(true, nextChangeByTime(token, now));
        }
        return Verdict.CLOSE;
    }

    /**
     * The earliest instant after {@code now} at which time alone could turn the answer: the end of
     * outage-grace, the token's expiry, the end of a reset's grace for the previous secret.
     */
    private Instant nextChangeByTime(CachedToken token, Instant now) {
        Instant next = outageGrace.trustedUntil();
        if (token instanceof CachedToken.Scoped scoped) {
            next = earliest(next, scoped.expiresAt(), now);
            next = earliest(next, scoped.credential().previousValidUntil(), now);
        } else if (token instanceof CachedToken.Legacy legacy) {
            for (CachedToken.LegacyCredential credential : legacy.credentials().values()) {
                next = earliest(next, credential.credential().previousValidUntil(), now);
            }
        }
        return next;
    }

    private static Instant earliest(Instant current, Instant candidate, Instant now) {
        if (candidate == null || !candidate.isAfter(now)) {
            return current;
        }
        return current == null || candidate.isBefore(current) ? candidate : current;
    }

    private void act(Tunnel tunnel, Verdict verdict) {
        if (!verdict.keep()) {
            close(tunnel);
        } else if (verdict.recheckAt() != null) {
            Duration wait = Duration.between(clock.instant(), verdict.recheckAt());
            tunnel.checkAgainAt(verdict.recheckAt(), wait.compareTo(MIN_WAIT) < 0 ? MIN_WAIT : wait, this::check);
        }
    }

    private void closeAfterError(Tunnel tunnel, Throwable error) {
        // Not a store failure, so a bug: closing is the safe answer, the stack trace the useful one.
        log.error("checking a WebSocket tunnel of {} failed; closing it", tunnel.tokenId(), error);
        close(tunnel);
    }

    private void close(Tunnel tunnel) {
        WebSocketSession session = tunnel.closing();
        if (session == null) {
            return;
        }
        closed.increment();
        log.info(
                "closing a WebSocket tunnel of {} to {}: its token no longer grants it",
                tunnel.tokenId(),
                tunnel.api());
        session.close(REVOKED)
                .subscribe(
                        null, error -> log.debug("closing a WebSocket tunnel of {} failed", tunnel.tokenId(), error));
    }

    /**
     * One open tunnel: what its handshake presented (credentials, client address, client certificate), where it goes, its
     * client-side session, and the timed check pending for it. The credentials live as long as the
     * tunnel, as the exchange that carried them does.
     */
    static final class Tunnel {

        private final BasicCredentials credentials;
        private final String clientAddress;
        private final X500Principal presentedSubject;
        private final String api;
        private final String tokenId;
        private final AtomicBoolean over = new AtomicBoolean();
        private volatile WebSocketSession session;
        private Disposable timer;
        private Instant timerAt;

        Tunnel(
                BasicCredentials credentials,
                String clientAddress,
                X500Principal presentedSubject,
                String api,
                String tokenId) {
            this.credentials = credentials;
            this.clientAddress = clientAddress;
            this.presentedSubject = presentedSubject;
            this.api = api;
            this.tokenId = tokenId;
        }

        String username() {
            return credentials.username();
        }

        BasicCredentials credentials() {
            return credentials;
        }

        String clientAddress() {
            return clientAddress;
        }

        String api() {
            return api;
        }

        /** The subject of the client certificate the handshake's connection presented, or null. */
        X500Principal presentedSubject() {
            return presentedSubject;
        }

        String tokenId() {
            return tokenId;
        }

        boolean isOver() {
            return over.get();
        }

        /** The session to close, once: null when the tunnel is already closing or over. */
        WebSocketSession closing() {
            if (!over.compareAndSet(false, true)) {
                return null;
            }
            cancelTimer();
            return session;
        }

        void ended() {
            over.set(true);
            cancelTimer();
        }

        /**
         * Keeps the earliest timed check: checks run concurrently (a change and a timer), and one that
         * read an older state must not push back a nearer deadline another one found.
         */
        synchronized void checkAgainAt(Instant at, Duration wait, Consumer<Tunnel> check) {
            if (over.get() || (timer != null && !timer.isDisposed() && !timerAt.isAfter(at))) {
                return;
            }
            if (timer != null) {
                timer.dispose();
            }
            timerAt = at;
            timer = Mono.delay(wait).subscribe(tick -> {
                fired(at);
                check.accept(this);
            });
        }

        /** Forgets the timer that fired, unless a nearer one has replaced it meanwhile. */
        private synchronized void fired(Instant at) {
            if (at.equals(timerAt)) {
                timer = null;
                timerAt = null;
            }
        }

        private synchronized void cancelTimer() {
            if (timer != null) {
                timer.dispose();
                timer = null;
                timerAt = null;
            }
        }

        @Override
        public String toString() {
            return "Tunnel[token=" + tokenId + ", api=" + api + "]";
        }
    }
}
