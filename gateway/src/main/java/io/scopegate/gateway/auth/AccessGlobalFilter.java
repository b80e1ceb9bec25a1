package io.scopegate.gateway.auth;

import io.scopegate.gateway.http.Rejections;
import io.scopegate.gateway.limit.LimitVerdict;
import io.scopegate.gateway.limit.TokenLimits;
import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.scope.ScopeDecision;
import io.scopegate.gateway.scope.ScopePolicy;
import io.scopegate.gateway.token.Caller;
import java.time.Duration;
import java.util.function.Supplier;
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
 * publisher at all while the token is in memory and has no rate limit or quota: each link of the
 * gateway's filter chain costs a deferred subscription per request (bench/RESULTS.md). A limited
 * token's rate and quotas are taken last, once everything else permits the request, and every
 * response of such a token carries the {@code RateLimit-*} headers.
 */
@Component
class AccessGlobalFilter implements GlobalFilter, Ordered {

    static final int ORDER = -300;

    private final Authenticator authenticator;
    private final FailedAuthThrottle throttle;
    private final ClientAddress clientAddress;
    private final ScopePolicy scopes;
    private final TokenLimits limits;

    AccessGlobalFilter(
            Authenticator authenticator,
            FailedAuthThrottle throttle,
            ClientAddress clientAddress,
            ScopePolicy scopes,
            TokenLimits limits) {
        this.authenticator = authenticator;
        this.throttle = throttle;
        this.clientAddress = clientAddress;
        this.scopes = scopes;
        this.limits = limits;
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
        if (throttle.reservesEveryAttempt(client)) {
            // Failed here lately, with a budget shared by the cluster: even a decision from memory waits for
            // a reservation, so replicas cannot each verify one more guess from an address already stopped.
            return afterReservation(client, exchange, () -> decide(credentials, client, true, exchange, chain));
        }
        return decide(credentials, client, false, exchange, chain);
    }

    /** {@code reserved}: a failure was already taken from the client's budget for this request. */
    private Mono<Void> decide(
            BasicCredentials credentials,
            String client,
            boolean reserved,
            ServerWebExchange exchange,
            GatewayFilterChain chain) {
        AuthDecision known = authenticator.decideFromMemory(credentials, client);
        if (known != null) {
            return act(known, client, reserved, exchange, chain);
        }
        if (reserved) {
            return loadAndAct(credentials, client, true, exchange, chain);
        }
        // A store lookup: its place in the failure budget is reserved first, so simultaneous requests
        // cannot all pass the check above and reach the store together. Joining a lookup already under
        // way costs the store nothing; such a request is counted like one decided from memory.
        if (authenticator.joinsLoadUnderWay(credentials)) {
            return loadAndAct(credentials, client, false, exchange, chain);
        }
        return afterReservation(client, exchange, () -> loadAndAct(credentials, client, true, exchange, chain));
    }

    /** Takes a failure from the client's budget: {@code reserved} goes on when granted, else 429. */
    private Mono<Void> afterReservation(String client, ServerWebExchange exchange, Supplier<Mono<Void>> reserved) {
        return throttle.reserve(client)
                .flatMap(wait -> wait.isZero()
                        ? reserved.get()
                        : answer(exchange, Outcome.THROTTLED, Rejections.tooManyRequests(exchange, wait)));
    }

    private Mono<Void> loadAndAct(
            BasicCredentials credentials,
            String client,
            boolean reserved,
            ServerWebExchange exchange,
            GatewayFilterChain chain) {
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
            if (reserved) {
                throttle.keep(client);
                return answer(exchange, denied.reason(), Rejections.accessDenied(exchange));
            }
            return throttle.recordFailure(client)
                    .flatMap(over -> over.isZero()
                            ? answer(exchange, denied.reason(), Rejections.accessDenied(exchange))
                            : answer(exchange, Outcome.THROTTLED, Rejections.tooManyRequests(exchange, over)));
        }
        // Unavailable. A reservation is kept (fail closed): the lookup was made all the same, and the
        // budget is what bounds one address's lookups against a store that is already struggling.
        return answer(exchange, Outcome.STORE_UNAVAILABLE, Rejections.unavailable(exchange));
    }

    private Mono<Void> act(ScopeDecision decision, ServerWebExchange exchange, GatewayFilterChain chain) {
        if (decision instanceof ScopeDecision.Permitted) {
            Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
            if (!TokenLimits.limits(caller)) {
                return answer(exchange, Outcome.ALLOWED, chain.filter(exchange));
            }
            return limits.take(caller).flatMap(verdict -> act(verdict, exchange, chain));
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
        return answer(
                exchange,
                Outcome.METHOD_OVERRIDE,
                Rejections.badRequest(exchange, "Method override headers are not accepted; send the real method"));
    }

    /** The rate and quotas were taken: forward with the headers, or refuse (the headers say until when). */
    private Mono<Void> act(LimitVerdict verdict, ServerWebExchange exchange, GatewayFilterChain chain) {
        verdict.writeHeaders(exchange.getResponse().getHeaders());
        if (verdict.admitted()) {
            // Set again as the response commits: the upstream's own RateLimit-* headers, copied over
            // ours on the way back, describe some other limit than the one this client is held to.
            exchange.getResponse().beforeCommit(() -> {
                verdict.writeHeaders(exchange.getResponse().getHeaders());
                return Mono.empty();
            });
            return answer(exchange, Outcome.ALLOWED, chain.filter(exchange));
        }
        if (verdict.refusal() == LimitVerdict.Refusal.QUOTA) {
            return answer(exchange, Outcome.QUOTA_EXCEEDED, Rejections.quotaExceeded(exchange, verdict.retryAfter()));
        }
        return answer(exchange, Outcome.RATE_LIMITED, Rejections.tooManyRequests(exchange, verdict.retryAfter()));
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
