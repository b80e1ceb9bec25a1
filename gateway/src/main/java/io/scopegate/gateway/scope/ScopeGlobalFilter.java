package io.scopegate.gateway.scope;

import io.scopegate.gateway.auth.Caller;
import io.scopegate.gateway.catalog.ApiCatalog;
import io.scopegate.gateway.http.Rejections;
import io.scopegate.gateway.observability.Outcome;
import java.util.List;
import java.util.Set;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Deny by default: the request's API (from its route) and method must be granted by the caller's
 * scopes, and served by the API. Method-override headers are refused outright (400), so a GET-only
 * token cannot smuggle a POST past this check to an upstream that honours them.
 */
@Component
class ScopeGlobalFilter implements GlobalFilter, Ordered {

    static final int ORDER = -200;
    static final List<String> METHOD_OVERRIDE_HEADERS = List.of("X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override");

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        HttpHeaders headers = exchange.getRequest().getHeaders();
        for (String override : METHOD_OVERRIDE_HEADERS) {
            if (headers.containsHeader(override)) {
                return Rejections.badRequest(exchange, Outcome.METHOD_OVERRIDE,
                        "Method override headers are not accepted; send the real method");
            }
        }
        Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String method = exchange.getRequest().getMethod().name();
        if (caller == null || route == null) {
            // Unreachable while authentication runs first; if the order is ever broken, refuse.
            return Rejections.accessDenied(exchange, Outcome.UNAUTHENTICATED);
        }
        String api = (String) route.getMetadata().get(ApiCatalog.API_ID);
        @SuppressWarnings("unchecked")
        Set<String> served = (Set<String>) route.getMetadata().get(ApiCatalog.API_METHODS);
        boolean apiServes = served.contains(method) || ("HEAD".equals(method) && served.contains("GET"));
        if (!apiServes || !caller.permits(api, method)) {
            return Rejections.outOfScope(exchange, api + ":" + method);
        }
        return chain.filter(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
