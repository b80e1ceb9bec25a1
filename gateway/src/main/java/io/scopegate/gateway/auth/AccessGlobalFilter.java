package io.scopegate.gateway.auth;

import io.scopegate.gateway.http.Rejections;
import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.scope.ScopeDecision;
import io.scopegate.gateway.scope.ScopePolicy;
import io.scopegate.gateway.token.Caller;
import java.time.Duration;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Scopegate's one route filter and the only one that acts: it asks the policies (throttle,
 * authenticator, scope policy) for decisions, then forwards the request or writes the refusal, and
 * records the outcome in one place ({@link #answer}). One filter rather than one per check, and no
 * publisher at all while the token is in memory: each link of the gateway's filter chain costs a
 * deferred subscription per request (bench/RESULTS.md).
 */
@Component
class AccessGlobalFilter implements GlobalFilter, Ordered {

    static final int ORDER = -300;

    private final Authenticator authenticator;
    private final FailedAuthThrottle throttle;
    private final ClientAddress clientAddress;
    private final ScopePolicy scopes;

    AccessGlobalFilter(
            Authenticator authenticator, FailedAuthThrottle throttle, ClientAddress clientAddress, ScopePolicy scopes) {
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
            return answer(exchange, Outcome.THROTTLED, Rejections.tooManyRequests(exchange, wait));
        }
        String authorization = exchange.getRequest().getHeaders().getFirst(HttpHeaders.AUTHORIZATION);
        BasicCredentials credentials = BasicCredentials.parse(authorization);
        AuthDecision known = authenticator.decideFromMemory(credentials, client);
        if (known != null) {
            return act(known, client, false, exchange, chain);
        }
        // A store lookup: its place in the failure budget is reserved first, so simultaneous requests
        // cannot all pass the check above and reach the store together. Joining a lookup already under
        // way costs the store nothing; such a request is counted like one decided from memory.
        boolean reserved = !authenticator.joinsLoadUnderWay(credentials);
        if (reserved) {
            wait = throttle.reserve(client);
            if (wait != null) {
                return answer(exchange, Outcome.THROTTLED, Rejections.tooManyRequests(exchange, wait));
            }
        }
        return authenticator
                .loadAndDecide(credentials, client)
                .flatMap(decision -> act(decision, client, reserved, exchange, chain));
    }

    /** {@code reserved}: a failure was taken from the client's budget before the lookup (see {@link #filter}). */
    private Mono<Void> act(
            AuthDecision decision,
            String client,
            boolean reserved,
            ServerWebExchange exchange,
            GatewayFilterChain chain) {
        if (decision instanceof AuthDecision.Allowed allowed) {
            if (reserved) {
                throttle.release(client);
            }
            exchange.getAttributes().put(Caller.ATTRIBUTE, allowed.caller());
            return act(scopes.decide(exchange, allowed.caller()), exchange, chain);
        }
        if (decision instanceof AuthDecision.Denied denied) {
            if (denied.identified() != null) {
                // Known token, refused: metrics and usage count the refusal against it.
                exchange.getAttributes().put(Caller.ATTRIBUTE, denied.identified());
            }
            // The reservation already counted this failure; otherwise count it now. One the budget can
            // no longer hold (simultaneous failures) gets the 429 the next request would get.
            Duration over = reserved ? null : throttle.recordFailure(client);
            if (over != null) {
                return answer(exchange, Outcome.THROTTLED, Rejections.tooManyRequests(exchange, over));
            }
            return answer(exchange, denied.reason(), Rejections.accessDenied(exchange));
        }
        // Unavailable. A reservation is kept (fail closed): the lookup was made all the same, and the
        // budget is what bounds one address's lookups against a store that is already struggling.
        return answer(exchange, Outcome.STORE_UNAVAILABLE, Rejections.unavailable(exchange));
    }

    private Mono<Void> act(ScopeDecision decision, ServerWebExchange exchange, GatewayFilterChain chain) {
        if (decision instanceof ScopeDecision.Permitted) {
            return answer(exchange, Outcome.ALLOWED, chain.filter(exchange));
        }
        if (decision instanceof ScopeDecision.OutOfScope refused) {
            return answer(exchange, Outcome.OUT_OF_SCOPE, Rejections.outOfScope(exchange, refused.missingScope()));
        }
        if (decision instanceof ScopeDecision.CertificateRefused) {
            return answer(exchange, Outcome.CERTIFICATE_REFUSED, Rejections.certificateRefused(exchange));
        }
        if (decision instanceof ScopeDecision.Unrouted) {
            // Fail closed with the common 403: a request without an API has nothing it may do.
            return answer(exchange, Outcome.UNAUTHENTICATED, Rejections.accessDenied(exchange));
        }
        if (decision instanceof ScopeDecision.WebSocketRefused) {
            return answer(exchange, Outcome.WEBSOCKET_REFUSED, Rejections.webSocketRefused(exchange));
        }
        if (decision instanceof ScopeDecision.WebSocketNotGet) {
            return answer(
                    exchange,
                    Outcome.WEBSOCKET_REFUSED,
                    Rejections.badRequest(exchange, "A WebSocket handshake must be a GET request"));
        }
        if (decision instanceof ScopeDecision.RateLimited limited) {
            return answer(exchange, Outcome.RATE_LIMITED, Rejections.tooManyRequests(exchange, limited.retryAfter()));
        }
        return answer(
                exchange,
                Outcome.METHOD_OVERRIDE,
                Rejections.badRequest(exchange, "Method override headers are not accepted; send the real method"));
    }

    /** The one place the access outcome is recorded, whatever the answer. */
    private static Mono<Void> answer(ServerWebExchange exchange, String outcome, Mono<Void> response) {
        Outcome.set(exchange, outcome);
        return response;
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
