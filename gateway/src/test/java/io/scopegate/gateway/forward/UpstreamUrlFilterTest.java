package io.scopegate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.filter.GlobalFilter;
import org.springframework.cloud.gateway.filter.RouteToRequestUrlFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;

/** The upstream is called at the URL Spring Cloud Gateway's own filter would call: path and query as sent. */
class UpstreamUrlFilterTest {

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "http://127.0.0.1:8081      | http://gateway.example/campaigns/42",
                "http://127.0.0.1:8081      | http://gateway.example:8080/campaigns/42?page=2&size=10",
                "https://api.partner.example | https://gateway.example/campaigns/a%20b/c%2Bd?q=%C3%A9t%C3%A9&x=1%262",
                "https://api.partner.example:9443 | http://gateway.example/",
                "http://[::1]:9000          | http://gateway.example/reports/2026-11-30?from=a+b",
                "http://upstream.internal   | http://gateway.example/%E2%82%AC/path;matrix=1",
                "http://upstream.internal/base | http://gateway.example/campaigns?empty=",
                "ws://upstream.internal:81  | http://gateway.example/socket",
            })
    void sameUrlAsTheStockFilter(String upstream, String request) {
        assertThat(upstreamUrl(new UpstreamUrlFilter(), upstream, request))
                .isEqualTo(upstreamUrl(new RouteToRequestUrlFilter(), upstream, request))
                .isNotNull();
    }

    private static URI upstreamUrl(GlobalFilter filter, String upstream, String request) {
        MockServerWebExchange exchange =
                MockServerWebExchange.from(MockServerHttpRequest.get(request).build());
        Route route = Route.async()
                .id("api")
                .uri(URI.create(upstream))
                .predicate(any -> true)
                .build();
        exchange.getAttributes().put(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR, route);
        AtomicReference<URI> seen = new AtomicReference<>();
        GatewayFilterChain chain = routed -> {
            seen.set(routed.getAttribute(ServerWebExchangeUtils.GATEWAY_REQUEST_URL_ATTR));
            return Mono.empty();
        };
        filter.filter(exchange, chain).block();
        return seen.get();
    }
}
