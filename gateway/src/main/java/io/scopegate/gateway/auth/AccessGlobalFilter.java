package io.scopegate.gateway.auth;

import io.scopegate.gateway.http.Rejections;
import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.scope.ScopeEnforcer;
import java.time.Duration;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Scopegate's one route filter: who is calling, then what they may do, or a refusal. One filter
 * rather than one per check, and no publisher at all while the token is in memory: each link of
 * the gateway's filter chain costs a deferred subscription per request (bench/RESULTS.md).
 */
@Component
class AccessGlobalFilter implements GlobalFilter, Ordered {

    static final int ORDER = -300;

    private final Authenticator authenticator;
    private final FailedAuthThrottle throttle;
    private final ClientAddress clientAddress;
    private final ScopeEnforcer scopes;

    AccessGlobalFilter(Authenticator authenticator, FailedAuthThrottle throttle, ClientAddress clientAddress, ScopeEnforcer scopes) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.clientAddress = clientAddress;
        this.scopes = scopes;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String client = clientAddress.resolve(exchange.getRequest());
        Duration wait = throttle.retryAfter(client);
        if (wait != null) {
            return Rejections.tooManyRequests(exchange, Outcome.THROTTLED, wait);
        }
        BasicCredentials credentials = BasicCredentials.parse(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        AuthDecision known = authenticator.decideFromMemory(credentials, client);
        if (known != null) {
            return proceed(known, client, exchange, chain);
        }
        return authenticator.loadAndDecide(credentials, client)
                .flatMap(decision -> proceed(decision, client, exchange, chain));
    }

    private Mono<Void> proceed(AuthDecision decision, String client, ServerWebExchange exchange, GatewayFilterChain chain) {
        if (decision instanceof AuthDecision.Allowed allowed) {
            exchange.getAttributes().put(Caller.ATTRIBUTE, allowed.caller());
            return scopes.enforce(exchange, allowed.caller(), chain);
        }
        if (decision instanceof AuthDecision.Denied denied) {
            if (denied.identified() != null) {
                // Known token, refused: metrics and usage count the refusal against it.
                exchange.getAttributes().put(Caller.ATTRIBUTE, denied.identified());
            }
            throttle.recordFailure(client);
            return Rejections.accessDenied(exchange, denied.reason());
        }
        return Rejections.unavailable(exchange);
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
