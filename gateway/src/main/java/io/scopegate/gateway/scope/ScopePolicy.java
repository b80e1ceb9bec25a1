package io.scopegate.gateway.scope;

import io.scopegate.gateway.catalog.CatalogRoutes;
import io.scopegate.gateway.token.Caller;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * What a verified caller may do with this request. Deny by default: the request's API (from its
 * route) and method must be granted by the caller's scopes and served by the API, and the token's
 * rate limit must allow it. Method-override headers are refused outright, so a GET-only token
 * cannot smuggle a POST past this check to an upstream that honours them. Decides only: the access
 * filter acts on the decision.
 */
@Component
public class ScopePolicy {

    static final List<String> METHOD_OVERRIDE_HEADERS =
            List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    private final TokenRateLimiter rateLimiter;

    ScopePolicy(TokenRateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
    }

    /** Takes one request from the token's rate limit when, and only when, everything else permits it. */
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
        String api = CatalogRoutes.apiId(route);
        Set<String> served = CatalogRoutes.methods(route);
        boolean apiServes = served.contains(method) || ("HEAD".equals(method) && served.contains("GET"));
        if (!apiServes || !caller.permits(api, method)) {
            return new ScopeDecision.OutOfScope(api + ":" + method);
        }
        Duration wait = rateLimiter.retryAfter(caller);
        return wait == null ? ScopeDecision.PERMITTED : new ScopeDecision.RateLimited(wait);
    }
}
