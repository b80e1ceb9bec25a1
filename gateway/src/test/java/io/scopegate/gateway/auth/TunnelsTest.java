package io.scopegate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.catalog.CatalogRoutes;
import io.scopegate.gateway.catalog.TestCatalog;
import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.scope.TestScopes;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.Caller;
import io.scopegate.gateway.token.TestTokens;
import io.scopegate.gateway.token.TokenCache;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.credential.KeyedHasher;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.socket.WebSocketHandler;
import org.springframework.web.reactive.socket.WebSocketSession;
import org.springframework.web.reactive.socket.server.WebSocketService;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The registry of open WebSocket tunnels without a server: a token cache over a store the test
 * controls, mock client sessions, and the changes StoreSync applies (a cache entry dropped or
 * reloaded). A tunnel stays open exactly while its handshake would still pass.
 */
class TunnelsTest {

    private static final String SID = "ST" + "1".repeat(32);
    private static final String OTHER_SID = "ST" + "2".repeat(32);
    private static final String ACCOUNT = "ACME";
    // Long enough that "not closed yet" holds on a busy machine; the close itself is awaited.
    private static final Duration SOON = Duration.ofSeconds(3);

    private final KeyedHasher hasher = new KeyedHasher(new byte[32]);
    private final CredentialFormat format = new CredentialFormat(new SecureRandom());
    private final String secret = format.generate(CredentialFormat.Kind.SCOPED).value();
    private final String otherSecret =
            format.generate(CredentialFormat.Kind.SCOPED).value();
    private final String legacySecret =
            format.generate(CredentialFormat.Kind.LEGACY).value();

    /** What the store answers now, by Basic username; an error while it is down. */
    private final Map<String, AtomicReference<CachedToken>> store = Map.of(
            SID, new AtomicReference<>(token(secret, true, null, "GET")),
            OTHER_SID, new AtomicReference<>(token(otherSecret, true, null, "GET")),
            ACCOUNT, new AtomicReference<>(legacy(true)));

    private final AtomicInteger loads = new AtomicInteger();
    private volatile boolean storeDown;
    private final AtomicReference<Instant> lastSync = new AtomicReference<>(Instant.now());

    private final TokenCache cache = TestTokens.cache(name -> {
        loads.incrementAndGet();
        return storeDown
                ? Mono.error(new TimeoutException("store down"))
                : Mono.just(store.containsKey(name) ? store.get(name).get() : CachedToken.UNKNOWN);
    });
    private final OutageGrace outageGrace = new OutageGrace(lastSync::get, Duration.ofMinutes(5));
    private final Authenticator authenticator = new Authenticator(cache, outageGrace, hasher, Clock.systemUTC());
    private final CatalogRoutes catalog = TestCatalog.of(TestCatalog.api("chat", true, "GET", "POST"));
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final Tunnels tunnels = new Tunnels(
            cache,
            authenticator,
            TestScopes.policy(),
            catalog,
            new ClientAddress(TestTokens.SETTINGS),
            outageGrace,
            Clock.systemUTC(),
            registry);

    /** Token SID's state in the store: current secret, state, expiry and GET/POST scopes on chat. */
    private CachedToken.Scoped token(String secret, boolean enabled, Instant expiresAt, String... methods) {
        return new CachedToken.Scoped(
                secret.equals(otherSecret) ? OTHER_SID : SID,
                ACCOUNT,
                1,
                enabled,
                List.of(new Scope("chat", Set.of(methods))),
                StoredCredential.of(hasher.hash(secret)),
                expiresAt,
                null,
                null,
                null,
                null);
    }

    private CachedToken.Legacy legacy(boolean enabled) {
        return new CachedToken.Legacy(
                ACCOUNT,
                Map.of(
                        LegacyKind.READ_ONLY,
                        new CachedToken.LegacyCredential(
                                LegacyKind.READ_ONLY, enabled, 1, StoredCredential.of(hasher.hash(legacySecret)))));
    }

    /** The handshake exchange as the access filter leaves it when it allowed the upgrade. */
    private MockServerWebExchange allowedHandshake(String username, String secret) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/chat/socket")
                .remoteAddress(new InetSocketAddress("203.0.113.5", 40000))
                .header(
                        HttpHeaders.AUTHORIZATION,
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .header(HttpHeaders.UPGRADE, "websocket")
                .build());
        CachedToken token = store.get(username).get();
        Caller caller = token instanceof CachedToken.Scoped scoped
                ? Caller.scoped(scoped)
                : Caller.legacy(
                        ACCOUNT, ((CachedToken.Legacy) token).credentials().get(LegacyKind.READ_ONLY));
        exchange.getAttributes().put(Caller.ATTRIBUTE, caller);
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, TestCatalog.route(catalog, "chat"));
        Outcome.set(exchange, Outcome.ALLOWED);
        return exchange;
    }

    /** A mock client session whose close is recorded. */
    private static WebSocketSession session() {
        WebSocketSession session = mock(WebSocketSession.class);
        when(session.close(any())).thenReturn(Mono.empty());
        return session;
    }

    /** Opens a tunnel as the handshake service would; the proxying runs until {@code proxying} ends. */
    private WebSocketSession open(String username, String secret, Sinks.Empty<Void> proxying) {
        WebSocketSession session = session();
        Tunnels.Tunnel tunnel = tunnels.admit(allowedHandshake(username, secret));
        assertThat(tunnel).isNotNull();
        tunnels.carry(tunnel, session, proxying.asMono()).subscribe();
        return session;
    }

    private WebSocketSession open(String username, String secret) {
        return open(username, secret, Sinks.empty());
    }

    private static void awaitClosed(WebSocketSession session) {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> verify(session).close(Tunnels.REVOKED));
    }

    /** What StoreSync does when the store says a credential changed: drop (or reload) its entry. */
    private void storeChanged(String username, CachedToken now) {
        store.get(username).set(now);
        cache.invalidate(username);
    }

    @Test
    void aTunnelWhoseTokenIsDisabledIsClosedWithPolicyViolation() {
        WebSocketSession session = open(SID, secret);
        verify(session, never()).close(any());

        storeChanged(SID, token(secret, false, null, "GET"));

        awaitClosed(session);
        assertThat(registry.get("scopegate.websocket.tunnels.closed").counter().count())
                .isEqualTo(1.0);
    }

    @Test
    void aTunnelWhoseTokenIsDeletedOrLosesTheGetScopeIsClosed() {
        WebSocketSession deleted = open(SID, secret);
        WebSocketSession lostGet = open(OTHER_SID, otherSecret);

        store.get(SID).set(CachedToken.UNKNOWN);
        cache.reload(SID);
        storeChanged(OTHER_SID, token(otherSecret, true, null, "POST"));

        awaitClosed(deleted);
        awaitClosed(lostGet);
    }

    @Test
    void aTunnelWhoseTokenIsBoundToACertificateItsConnectionDidNotPresentIsClosed() {
        WebSocketSession session = open(SID, secret);
        CachedToken.Scoped open = token(secret, true, null, "GET");

        storeChanged(
                SID,
                new CachedToken.Scoped(
                        open.sid(),
                        open.accountSid(),
                        open.apiVersion(),
                        true,
                        open.scopes(),
                        open.credential(),
                        null,
                        null,
                        null,
                        null,
                        new X500Principal("CN=partner-a,O=Acme")));

        awaitClosed(session);
    }

    @Test
    void aChangeThatStillGrantsTheTunnelKeepsItOpenAndOtherTokensTunnelsAreNotEvenLookedAt() {
        WebSocketSession session = open(SID, secret);
        int loadsBefore = loads.get();

        storeChanged(OTHER_SID, token(otherSecret, false, null, "GET"));
        assertThat(loads.get()).isEqualTo(loadsBefore);
        storeChanged(SID, token(secret, true, null, "GET", "POST"));

        assertThat(loads.get()).isEqualTo(loadsBefore + 1);
        verify(session, never()).close(any());
        assertThat(tunnels.open()).isEqualTo(1);
    }

    @Test
    void aResetClosesTunnelsOfTheOldSecretAtOnceOrWhenItsGraceEnds() {
        WebSocketSession noGrace = open(SID, secret);
        storeChanged(SID, token(format.generate(CredentialFormat.Kind.SCOPED).value(), true, null, "GET"));
        awaitClosed(noGrace);

        store.get(SID).set(token(secret, true, null, "GET"));
        cache.invalidate(SID);
        WebSocketSession withGrace = open(SID, secret);
        Instant graceEnds = Instant.now().plus(SOON);
        CachedToken.Scoped reset =
                token(format.generate(CredentialFormat.Kind.SCOPED).value(), true, null, "GET");
        storeChanged(
                SID,
                new CachedToken.Scoped(
                        SID,
                        ACCOUNT,
                        1,
                        true,
                        reset.scopes(),
                        new StoredCredential(reset.credential().hash(), hasher.hash(secret), graceEnds),
                        null,
                        null,
                        null,
                        null,
                        null));

        verify(withGrace, never()).close(any());
        awaitClosed(withGrace);
        assertThat(Instant.now()).isAfterOrEqualTo(graceEnds);
    }

    @Test
    void anExpiringTokensTunnelIsClosedWhenItExpiresWithoutAnyChangeInTheStore() {
        Instant expiresAt = Instant.now().plus(SOON);
        store.get(SID).set(token(secret, true, expiresAt, "GET"));
        WebSocketSession session = open(SID, secret);
        verify(session, never()).close(any());

        awaitClosed(session);
        assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
    }

    /** The handshake passed on the old state; the change was applied before the tunnel was registered. */
    @Test
    void aTunnelOpenedWhileItsTokenWasBeingRevokedIsClosedAtOnce() {
        MockServerWebExchange handshake = allowedHandshake(SID, secret);
        Tunnels.Tunnel tunnel = tunnels.admit(handshake);
        storeChanged(SID, token(secret, false, null, "GET"));

        WebSocketSession session = session();
        tunnels.carry(tunnel, session, Sinks.<Void>empty().asMono()).subscribe();

        awaitClosed(session);
    }

    @Test
    void anApiThatStopsAcceptingWebSocketsOrGoesClosesItsTunnels() {
        WebSocketSession session = open(SID, secret);
        TestCatalog.replace(catalog, TestCatalog.api("chat", true, "GET", "POST"));
        tunnels.catalogChanged();
        verify(session, never()).close(any());

        TestCatalog.replace(catalog, TestCatalog.api("chat", false, "GET", "POST"));
        tunnels.catalogChanged();

        awaitClosed(session);
    }

    /** As for requests: a token whose new state cannot be read is not trusted with a tunnel. */
    @Test
    void whenTheStoreCannotSayWhatATokenBecameItsTunnelIsClosed() {
        WebSocketSession session = open(SID, secret);
        storeDown = true;

        cache.invalidate(SID);

        awaitClosed(session);
    }

    /** A cached "yes" is believed for outage-grace after the last sync, for tunnels as for requests. */
    @Test
    void pastOutageGraceATunnelIsClosed() {
        lastSync.set(Instant.now().minus(Duration.ofMinutes(5)).plus(SOON));
        WebSocketSession session = open(SID, secret);
        verify(session, never()).close(any());

        awaitClosed(session);
    }

    @Test
    void aLegacyTokensTunnelFollowsItsAccountsLegacyCredentials() {
        WebSocketSession session = open(ACCOUNT, legacySecret);

        storeChanged(ACCOUNT, legacy(false));

        awaitClosed(session);
    }

    @Test
    void anEndedTunnelIsForgotten() {
        Sinks.Empty<Void> proxying = Sinks.empty();
        WebSocketSession session = open(SID, secret, proxying);
        assertThat(registry.get("scopegate.websocket.tunnels").gauge().value()).isEqualTo(1.0);

        proxying.tryEmitEmpty();
        storeChanged(SID, token(secret, false, null, "GET"));

        assertThat(tunnels.open()).isZero();
        assertThat(registry.get("scopegate.websocket.tunnels").gauge().value()).isZero();
        verify(session, never()).close(any());
    }

    @Test
    void onlyAHandshakeTheAccessFilterAllowedOnAnApiThatOptedInIsAdmitted() {
        assertThat(tunnels.admit(allowedHandshake(SID, secret))).isNotNull();

        MockServerWebExchange refused = allowedHandshake(SID, secret);
        Outcome.set(refused, Outcome.OUT_OF_SCOPE);
        assertThat(tunnels.admit(refused)).isNull();

        MockServerWebExchange anonymous = allowedHandshake(SID, secret);
        anonymous.getAttributes().remove(Caller.ATTRIBUTE);
        assertThat(tunnels.admit(anonymous)).isNull();

        MockServerWebExchange notOptedIn = allowedHandshake(SID, secret);
        notOptedIn
                .getAttributes()
                .put(
                        ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR,
                        TestCatalog.route("chat", false, Set.of("GET", "POST")));
        assertThat(tunnels.admit(notOptedIn)).isNull();
    }

    /** The handshake service Spring Cloud Gateway proxies through, as the gateway decorates it. */
    @Test
    void theHandshakeServiceTracksWhatItOpensAndRefusesWhatTheAccessFilterDidNotAllow() {
        AtomicReference<WebSocketHandler> handed = new AtomicReference<>();
        WebSocketService scg = (exchange, handler) -> {
            handed.set(handler);
            return Mono.empty();
        };
        WebSocketService service = new TrackedWebSocketService(
                scg, new StaticListableBeanFactory(Map.of("tunnels", tunnels)).getBeanProvider(Tunnels.class));
        WebSocketHandler proxying = new WebSocketHandler() {
            @Override
            public List<String> getSubProtocols() {
                return List.of("chat.v1");
            }

            @Override
            public Mono<Void> handle(WebSocketSession session) {
                return Mono.never();
            }
        };

        MockServerWebExchange refused = allowedHandshake(SID, secret);
        Outcome.set(refused, Outcome.OUT_OF_SCOPE);
        service.handleRequest(refused, proxying).block(Duration.ofSeconds(5));
        assertThat(handed.get()).isNull();
        assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(Outcome.of(refused)).isEqualTo(Outcome.WEBSOCKET_REFUSED);

        service.handleRequest(allowedHandshake(SID, secret), proxying).block(Duration.ofSeconds(5));
        assertThat(handed.get().getSubProtocols()).containsExactly("chat.v1");
        WebSocketSession session = session();
        handed.get().handle(session).subscribe();
        assertThat(tunnels.open()).isEqualTo(1);
        storeChanged(SID, token(secret, false, null, "GET"));
        awaitClosed(session);
    }
}
