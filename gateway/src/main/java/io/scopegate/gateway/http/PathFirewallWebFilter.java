package io.scopegate.gateway.http;

import io.scopegate.gateway.observability.Outcome;
import org.springframework.core.Ordered;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Refuses, before any route is chosen, a path that is not in normal form: dot segments, {@code //},
 * encoded {@code /}, {@code .}, {@code %}, {@code ;}, backslash, NUL. Matching then sees exactly the
 * path the upstream will see, so a request scoped to one API cannot be steered into another.
 * Spring Security's strict firewall does the checking; no security filter chain is involved.
 * Only its eager checks are used (method, path, host): the original exchange goes on, not the
 * firewall's decorator, whose per-header regular expressions were the gateway's largest cost in
 * profiling (bench/RESULTS.md). Header bytes are still validated by Netty's HTTP codec.
 */
@Component
class PathFirewallWebFilter implements WebFilter, Ordered {

    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private final StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return firewall.getFirewalledExchange(exchange)
                .map(checked -> true)
                .onErrorResume(ServerExchangeRejectedException.class, rejected -> Mono.just(false))
                .flatMap(normal -> normal
                        ? chain.filter(exchange)
                        : Rejections.badRequest(exchange, Outcome.BAD_PATH, "The request path is not in normal form"));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
