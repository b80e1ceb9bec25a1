package io.scopegate.gateway.scope;

import io.scopegate.gateway.auth.Caller;
import io.scopegate.gateway.catalog.ApiCatalog;
import io.scopegate.gateway.http.Rejections;
import io.scopegate.gateway.observability.Outcome;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What a verified caller may do with this request. Deny by default: the request's API (from its
 * route) and method must be granted by the caller's scopes and served by the API, and the token's
 * rate limit must allow it. Method-override headers are refused outright (400), so a GET-only token
 * cannot smuggle a POST past this check to an upstream that honours them.
 */
@Component
public class ScopeEnforcer {

    static final List<String> METHOD_OVERRIDE_HEADERS = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    private final TokenRateLimiter rateLimiter;

    ScopeEnforcer(TokenRateLimiter rateLimiter) {
        this.rateLimiter = rateLimiter;
    }

    /** Passes the request on down the chain, or answers the refusal. */
    public Mono<Void> enforce(ServerWebExchange exchange, Caller caller, GatewayFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        for (String override : METHOD_OVERRIDE_HEADERS) {
            if (headers.containsHeader(override)) {
                return Rejections.badRequest(exchange, Outcome.METHOD_OVERRIDE,
                        "Method override headers are not accepted; send the real method");
            }
        }
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        if (route == null) {
            // Route filters only run for a matched route; if that ever changes, refuse.
            return Rejections.accessDenied(exchange, Outcome.UNAUTHENTICATED);
        }
        String method = exchange.getRequest().getMethod().name();
        String api = (String) route.getMetadata().get(ApiCatalog.API_ID);
        @SuppressWarnings("unchecked")
        Set<String> served = (Set<String>) route.getMetadata().get(ApiCatalog.API_METHODS);
        boolean apiServes = served.contains(method) || ("HEAD".equals(method) && served.contains("GET"));
        if (!apiServes || !caller.permits(api, method)) {
            return Rejections.outOfScope(exchange, api + ":" + method);
        }
        Duration wait = rateLimiter.retryAfter(caller);
        if (wait != null) {
            return Rejections.tooManyRequests(exchange, Outcome.RATE_LIMITED, wait);
        }
        Outcome.set(exchange, Outcome.ALLOWED);
        return chain.filter(exchange);
    }
}
