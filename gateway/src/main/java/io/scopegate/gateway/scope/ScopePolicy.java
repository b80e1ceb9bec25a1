package io.scopegate.gateway.scope;

import io.scopegate.gateway.catalog.ApiRoute;
import io.scopegate.gateway.catalog.CatalogRoutes;
import io.scopegate.gateway.tls.ClientCertificates;
import io.scopegate.gateway.token.Caller;
import java.util.List;
import java.util.Set;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * What a verified caller may do with this request. Deny by default: the request's API (from its
 * route) and method must be granted by the caller's scopes and served by the API (the token's rate
 * limit and quotas are taken after this, by the access filter, from {@code TokenLimits}). Method-override
 * headers are refused outright, so a GET-only token cannot smuggle a POST past this check to an upstream
 * that honours them. A token bound to a client certificate, or any token on an API that requires mutual
 * TLS, needs that certificate on the connection. A WebSocket upgrade is
 * refused unless the API opted in; there it is a GET like any other, and the open tunnel is held to
 * {@link #permitsTunnel} for as long as it lasts. Decides only: the access filter acts on the decision.
 */
@Component
public class ScopePolicy {

    static final List<String> METHOD_OVERRIDE_HEADERS =
            List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    /** A WebSocket handshake is a GET (RFC 6455), so a tunnel is granted by the API's GET scope. */
    static final String TUNNEL_METHOD = "GET";

    private static final String WEBSOCKET = "websocket";

    /** Whether the caller's scopes permit this request; the rate limit is not taken here. */
    public ScopeDecision decide(ServerWebExchange exchange, Caller caller) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        for (String override : METHOD_OVERRIDE_HEADERS) {
            if (headers.containsHeader(override)) {
                return new ScopeDecision.MethodOverride();
            }
        }
        String method = exchange.getRequest().getMethod().name();
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        if (route == null) {
            // Route filters only run for a matched route; if that ever changes, refuse.
            return new ScopeDecision.Unrouted();
        }
        if (!ClientCertificates.permit(exchange.getRequest(), caller, CatalogRoutes.mutualTls(route))) {
            return new ScopeDecision.CertificateRefused();
        }
        String api = CatalogRoutes.apiId(route);
        if (isWebSocketUpgrade(headers)) {
            if (!CatalogRoutes.websocket(route)) {
                return new ScopeDecision.WebSocketRefused();
            }
            if (!TUNNEL_METHOD.equals(method)) {
                return new ScopeDecision.WebSocketNotGet();
            }
        }
        Set<String> served = CatalogRoutes.methods(route);
        boolean apiServes = served.contains(method) || ("HEAD".equals(method) && served.contains("GET"));
        if (!apiServes || !caller.permits(api, method)) {
            return new ScopeDecision.OutOfScope(api + ":" + method);
        }
        return ScopeDecision.PERMITTED;
    }

    /**
     * Whether an open WebSocket tunnel of this caller to this API (null: gone from the catalog) may stay
     * open: the rule of its handshake, minus the rate limit, which its opening already spent.
     */
    public boolean permitsTunnel(Caller caller, ApiRoute api) {
        return api != null
                && api.websocket()
                && api.methods().contains(TUNNEL_METHOD)
                && caller.permits(api.id(), TUNNEL_METHOD);
    }

    /**
     * Any {@code Upgrade} header naming {@code websocket}, in any case and list position: wider than
     * what Spring Cloud Gateway tunnels (the first value, exactly), so nothing it would tunnel escapes.
     */
    static boolean isWebSocketUpgrade(HttpHeaders headers) {
        List<String> upgrades = headers.get(HttpHeaders.UPGRADE);
        if (upgrades == null) {
            return false;
        }
        for (String upgrade : upgrades) {
            for (String protocol : upgrade.split(",")) {
                // A protocol may carry a version (websocket/13): its name decides.
                String name = protocol.strip();
                int slash = name.indexOf('/');
                if (WEBSOCKET.equalsIgnoreCase(
                        slash < 0 ? name : name.substring(0, slash).strip())) {
                    return true;
                }
            }
        }
        return false;
    }
}
