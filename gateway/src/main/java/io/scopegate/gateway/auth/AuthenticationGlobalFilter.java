package io.scopegate.gateway.auth;

import io.scopegate.gateway.http.Rejections;
import io.scopegate.gateway.observability.Outcome;
import java.time.Duration;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** First of Scopegate's route filters: who is calling, or a refusal. */
@Component
class AuthenticationGlobalFilter implements GlobalFilter, Ordered {

    static final int ORDER = -300;

    private final Authenticator authenticator;
    private final FailedAuthThrottle throttle;
    private final ClientAddress clientAddress;

    AuthenticationGlobalFilter(Authenticator authenticator, FailedAuthThrottle throttle, ClientAddress clientAddress) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.clientAddress = clientAddress;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        String client = clientAddress.resolve(exchange.getRequest());
        Duration wait = throttle.retryAfter(client);
        if (wait != null) {
            return Rejections.tooManyRequests(exchange, Outcome.THROTTLED, wait);
        }
        BasicCredentials credentials = BasicCredentials.parse(exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION));
        return authenticator.authenticate(credentials, client)
                .flatMap(decision -> proceed(decision, client, exchange, chain));
    }

    private Mono<Void> proceed(AuthDecision decision, String client, ServerWebExchange exchange, GatewayFilterChain chain) {
        if (decision instanceof AuthDecision.Allowed allowed) {
            exchange.getAttributes().put(Caller.ATTRIBUTE, allowed.caller());
            return chain.filter(exchange);
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
