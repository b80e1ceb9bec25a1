package io.scopegate.gateway.http;

import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.observability.RequestMetrics;
import io.scopegate.gateway.revocation.StoreSync;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The gateway's one web filter, in front of routing: every request is counted and timed (refusals
 * and unroutable paths too), a path not in normal form gets 400, and until the first sync with the
 * store (catalog loaded, event cursor set) everything gets 503 — a gateway without its catalog
 * would otherwise answer 404 for paths that exist; readiness is DOWN meanwhile. One filter, not
 * three: each web filter adds a deferred subscription per request (bench/RESULTS.md).
 */
@Component
class EntryWebFilter implements WebFilter, Ordered {

    private final PathFirewall firewall = new PathFirewall();
    private final RequestMetrics metrics;
    private final StoreSync sync;

    EntryWebFilter(RequestMetrics metrics, StoreSync sync) {
        this.metrics = metrics;
        this.sync = sync;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        long start = System.nanoTime();
        Mono<Void> handled;
        if (!firewall.isNormal(exchange)) {
            handled = Rejections.badRequest(exchange, Outcome.BAD_PATH, "The request path is not in normal form");
        } else if (!sync.isWarm()) {
            handled = Rejections.unavailable(exchange);
        } else {
            handled = chain.filter(exchange);
        }
        return handled
                .doOnError(error -> {
                    if (Outcome.of(exchange) == null) {
                        Outcome.set(exchange, Failures.outcome(error));
                    }
                })
                .doFinally(signal -> metrics.record(exchange, signal, System.nanoTime() - start));
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE;
    }
}
