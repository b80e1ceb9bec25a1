package io.scopegate.gateway.http;

import io.scopegate.gateway.observability.Outcome;
import java.util.Optional;
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
 */
@Component
class PathFirewallWebFilter implements WebFilter, Ordered {

    static final int ORDER = Ordered.HIGHEST_PRECEDENCE + 10;

    private final StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return firewall.getFirewalledExchange(exchange)
                .map(Optional::of)
                .onErrorResume(ServerExchangeRejectedException.class, rejected -> Mono.just(Optional.empty()))
                .flatMap(checked -> checked.isPresent()
                        ? chain.filter(checked.get())
                        : Rejections.badRequest(exchange, Outcome.BAD_PATH, "The request path is not in normal form"));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
