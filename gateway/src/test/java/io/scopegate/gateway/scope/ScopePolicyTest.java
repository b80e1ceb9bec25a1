package io.scopegate.gateway.scope;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.gateway.catalog.TestCatalog;
import io.scopegate.gateway.token.Caller;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/** The scope decision on a routed exchange, as the access filter asks for it. */
class ScopePolicyTest {

    private final ScopePolicy policy = new ScopePolicy();
    private final Caller getOnly =
            new Caller("AC1", "ST1", 1, List.of(new Scope("campaigns", Set.of("GET"))), null, null, null, null);

    private static MockServerWebExchange routed(HttpMethod method, String... headers) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.method(method, "/campaigns/1");
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        MockServerWebExchange exchange = MockServerWebExchange.from(request.build());
        Route route = Route.async()
                .id("campaigns")
                .uri("http://upstream")
                .predicate(e -> true)
                .metadata("scopegate.api", "campaigns")
                .metadata("scopegate.methods", Set.of("GET", "POST"))
                .build();
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
        return exchange;
    }

    @Test
    void grantedMethodIsPermittedAndHeadFollowsGet() {
        assertThat(policy.decide(routed(HttpMethod.GET), getOnly)).isEqualTo(ScopeDecision.PERMITTED);
        assertThat(policy.decide(routed(HttpMethod.HEAD), getOnly)).isEqualTo(ScopeDecision.PERMITTED);
    }

    @Test
    void methodNotGrantedNamesTheMissingScope() {
        assertThat(policy.decide(routed(HttpMethod.POST), getOnly))
                .isEqualTo(new ScopeDecision.OutOfScope("campaigns:POST"));
    }

    @Test
    void methodTheApiDoesNotServeIsRefusedEvenForReadWriteLegacy() {
        Caller legacy = new Caller("AC1", "AC1:READ_WRITE", 1, List.of(), LegacyKind.READ_WRITE, null, null, null);
        assertThat(policy.decide(routed(HttpMethod.DELETE), legacy))
                .isEqualTo(new ScopeDecision.OutOfScope("campaigns:DELETE"));
        assertThat(policy.decide(routed(HttpMethod.POST), legacy)).isEqualTo(ScopeDecision.PERMITTED);
    }

    @Test
    void methodOverrideHeadersAreRefusedInAnyCase() {
        assertThat(policy.decide(routed(HttpMethod.GET, "x-http-method-override", "DELETE"), getOnly))
                .isInstanceOf(ScopeDecision.MethodOverride.class);
        assertThat(policy.decide(routed(HttpMethod.GET, "X-Method-Override", "POST"), getOnly))
                .isInstanceOf(ScopeDecision.MethodOverride.class);
    }

    private static MockServerWebExchange upgrade(HttpMethod method, boolean optedIn, String upgrade) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, "/campaigns/1")
                .header("Connection", "Upgrade")
                .header("Upgrade", upgrade)
                .build());
        exchange.getAttributes()
                .put(
                        ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR,
                        TestCatalog.route("campaigns", optedIn, Set.of("GET", "POST")));
        return exchange;
    }

    /** Issue 14: a tunnel outlives its handshake's checks, so only an API that opted in gets one. */
    @Test
    void aWebSocketUpgradeIsRefusedUnlessTheApiOptedInWhateverTheSpelling() {
        for (String upgrade : List.of("websocket", "WebSocket", "h2c, websocket", "websocket/13")) {
            assertThat(policy.decide(upgrade(HttpMethod.GET, false, upgrade), getOnly))
                    .as(upgrade)
                    .isInstanceOf(ScopeDecision.WebSocketRefused.class);
        }
        assertThat(policy.decide(upgrade(HttpMethod.GET, false, "h2c"), getOnly))
                .isEqualTo(ScopeDecision.PERMITTED);
    }

    @Test
    void onAnApiThatOptedInAWebSocketHandshakeIsAGetThatNeedsTheGetScope() {
        assertThat(policy.decide(upgrade(HttpMethod.GET, true, "websocket"), getOnly))
                .isEqualTo(ScopeDecision.PERMITTED);
        Caller postOnly =
                new Caller("AC1", "ST4", 1, List.of(new Scope("campaigns", Set.of("POST"))), null, null, null, null);
        assertThat(policy.decide(upgrade(HttpMethod.GET, true, "websocket"), postOnly))
                .isEqualTo(new ScopeDecision.OutOfScope("campaigns:GET"));
        assertThat(policy.decide(upgrade(HttpMethod.POST, true, "websocket"), postOnly))
                .isInstanceOf(ScopeDecision.WebSocketNotGet.class);
    }

    @Test
    void anOpenTunnelNeedsTheApiToStillAcceptWebSocketsAndServeGetAndTheCallerToHoldGet() {
        assertThat(policy.permitsTunnel(getOnly, TestCatalog.api("campaigns", true, "GET")))
                .isTrue();
        assertThat(policy.permitsTunnel(getOnly, TestCatalog.api("campaigns", false, "GET")))
                .isFalse();
        assertThat(policy.permitsTunnel(getOnly, TestCatalog.api("campaigns", true, "POST")))
                .isFalse();
        assertThat(policy.permitsTunnel(getOnly, TestCatalog.api("reports", true, "GET")))
                .isFalse();
        assertThat(policy.permitsTunnel(getOnly, null)).isFalse();
        Caller readOnly = new Caller("AC1", "AC1:READ_ONLY", 1, List.of(), LegacyKind.READ_ONLY, null, null, null);
        assertThat(policy.permitsTunnel(readOnly, TestCatalog.api("campaigns", true, "GET")))
                .isTrue();
    }

    @Test
    void withoutARouteNothingIsPermitted() {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/campaigns/1").build());
        assertThat(policy.decide(exchange, getOnly)).isInstanceOf(ScopeDecision.Unrouted.class);
    }
}
