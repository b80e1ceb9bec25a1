package io.scopegate.gateway.forward;

import io.scopegate.gateway.auth.Caller;
import java.util.ArrayList;
import java.util.List;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * What the upstream learns: never the client's credentials, never identity headers the client made
 * up; only the account, token and API version the gateway established.
 */
@Component
class IdentityHeadersGlobalFilter implements GlobalFilter, Ordered {

    static final int ORDER = 20_000;
    static final String ACCOUNT = "X-Scopegate-Account";
    static final String TOKEN = "X-Scopegate-Token";
    static final String API_VERSION = "X-Api-Version";

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, GatewayFilterChain chain) {
        Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
        ServerHttpRequest request = exchange.getRequest().mutate()
                .headers(headers -> {
                    headers.remove(HttpHeaders.AUTHORIZATION);
                    headers.remove(API_VERSION);
                    List<String> forged = new ArrayList<>();
                    for (String name : headers.headerNames()) {
                        if (name.regionMatches(true, 0, "X-Scopegate-", 0, 12)) {
                            forged.add(name);
                        }
                    }
                    forged.forEach(headers::remove);
                    headers.set(ACCOUNT, caller.accountSid());
                    headers.set(TOKEN, caller.tokenId());
                    headers.set(API_VERSION, Integer.toString(caller.apiVersion()));
                })
                .build();
        return chain.filter(exchange.mutate().request(request).build());
    }

    @Override
    public int getOrder() {
        return ORDER;
    }
}
