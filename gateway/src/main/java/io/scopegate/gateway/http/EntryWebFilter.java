package io.scopegate.gateway.http;

import io.scopegate.gateway.observability.AccessLog;
import io.scopegate.gateway.observability.CompletedRequest;
import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.observability.RequestId;
import io.scopegate.gateway.observability.RequestMetrics;
import io.scopegate.gateway.revocation.StoreSync;
import io.scopegate.gateway.tls.TransportSecurity;
import io.scopegate.gateway.usage.UsageRecorder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The gateway's one web filter, in front of routing: a request that must come over TLS and did not
 * gets 403 before anything of it is read, a path not in normal form gets 400, and until
 * the first sync with the store (catalog loaded, event cursor set) everything gets 503 — a gateway
 * without its catalog would otherwise answer 404 for paths that exist; readiness is DOWN meanwhile.
 * Every request gets its {@code X-Request-Id}; when the response is done, every request (refusals
 * and unroutable paths too) goes to metrics, usage and the access log. One filter, not three: each
 * web filter adds a deferred subscription per request (bench/RESULTS.md).
 * <p>
 * Not a bean: it is installed on the proxy port's handler only (see {@link ProxyPortFilters}).
 * <p>
 * The outcome is recorded by the filter that answers: the access filter for its decisions, this one
 * for its own refusals and for errors (seen here before the error handler writes the response).
 */
class EntryWebFilter implements WebFilter {

    private final PathFirewall firewall = new PathFirewall();
    private final RequestMetrics metrics;
    private final UsageRecorder usage;
    private final AccessLog accessLog;
    private final StoreSync sync;
    private final TransportSecurity transport;

    EntryWebFilter(
            RequestMetrics metrics,
            UsageRecorder usage,
            AccessLog accessLog,
            StoreSync sync,
            TransportSecurity transport) {
        this.metrics = metrics;
        this.usage = usage;
        this.accessLog = accessLog;
        this.sync = sync;
        this.transport = transport;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long start = System.nanoTime();
        RequestId.assign(exchange);
        return enter(exchange, chain)
                .doOnError(error -> recordFailure(exchange, error))
                .doFinally(signal -> completed(CompletedRequest.of(exchange, signal, System.nanoTime() - start)));
    }

    private Mono<Void> enter(ServerWebExchange exchange, WebFilterChain chain) {
        if (transport.refuses(exchange.getRequest())) {
            Outcome.set(exchange, Outcome.TLS_REQUIRED);
            return Rejections.tlsRequired(exchange);
        }
        if (!firewall.isNormal(exchange)) {
            Outcome.set(exchange, Outcome.BAD_PATH);
            return Rejections.badRequest(exchange, "The request path is not in normal form");
        }
        if (!sync.isWarm()) {
            Outcome.set(exchange, Outcome.STORE_UNAVAILABLE);
            return Rejections.unavailable(exchange);
        }
        return chain.filter(exchange);
    }

    /**
     * An error outranks "allowed": the access filter let the request through, then the upstream
     * failed (502, 504) or something after it broke (500). A refusal's own outcome stays.
     */
    private static void recordFailure(ServerWebExchange exchange, Throwable error) {
        String outcome = Outcome.of(exchange);
        if (outcome == null || Outcome.ALLOWED.equals(outcome)) {
            Outcome.set(exchange, Failures.outcome(error));
        }
    }

    private void completed(CompletedRequest request) {
        metrics.record(request);
        usage.record(request);
        accessLog.record(request);
    }
}
