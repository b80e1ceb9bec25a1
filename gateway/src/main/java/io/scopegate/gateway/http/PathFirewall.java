package io.scopegate.gateway.http;

import java.util.concurrent.Callable;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Whether a request path is in normal form: no dot segments, {@code //}, encoded {@code /}, {@code .},
 * {@code %}, {@code ;}, backslash or NUL. Matching then sees exactly the path the upstream will see,
 * so a request scoped to one API cannot be steered into another. Spring Security's strict firewall
 * does the checking; no security filter chain is involved.
 * <p>
 * Only its eager checks are used (method, path, host): the original exchange goes on, not the
 * firewall's decorator, whose per-header regular expressions were the gateway's largest cost in
 * profiling (bench/RESULTS.md). Header bytes are still validated by Netty's HTTP codec.
 */
final class PathFirewall {

    private final StrictServerWebExchangeFirewall firewall = new StrictServerWebExchangeFirewall();

    /**
     * The firewall answers with {@code Mono.fromCallable(checks)}; calling it in place runs the same
     * checks without subscribing per request. Anything else than a value counts as not normal, so
     * a future firewall that answers differently fails closed (every request 400), not open.
     */
    boolean isNormal(ServerWebExchange exchange) {
        Mono<ServerWebExchange> checked = firewall.getFirewalledExchange(exchange);
        if (!(checked instanceof Callable<?> checks)) {
            return false;
        }
        try {
            return checks.call() != null;
        } catch (Exception rejected) {
            return false;
        }
    }
}
