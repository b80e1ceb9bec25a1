package io.scopegate.gateway.revocation;

import io.scopegate.gateway.http.Rejections;
import org.springframework.core.Ordered;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Until the first sync with the store (catalog loaded, event cursor set) every request gets 503: a
 * gateway without its catalog would otherwise answer 404 for paths that exist. Readiness is DOWN
 * meanwhile, so a balancer should not send anything here yet.
 */
@Component
class ColdCacheWebFilter implements WebFilter, Ordered {

    private final StoreSync sync;

    ColdCacheWebFilter(StoreSync sync) {
        this.sync = sync;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return sync.isWarm() ? chain.filter(exchange) : Rejections.unavailable(exchange);
    }

    @Override
    public int getOrder() {
        return Ordered.HIGHEST_PRECEDENCE + 20;
    }
}
