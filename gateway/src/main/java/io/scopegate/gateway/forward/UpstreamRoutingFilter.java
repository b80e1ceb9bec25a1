package io.scopegate.gateway.forward;

import io.scopegate.gateway.catalog.CatalogRoutes;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyRoutingFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.http.client.HttpClient;

/**
 * Spring Cloud Gateway's routing filter (it replaces the stock one, which is switched off in
 * gateway.yaml), calling each API's upstream with that API's TLS client when it has one. The stock
 * filter offers one TLS configuration for all routes; partners' upstreams each have their own CA.
 */
class UpstreamRoutingFilter extends NettyRoutingFilter {

    private final UpstreamTlsClients tlsClients;

    UpstreamRoutingFilter(
            HttpClient shared,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties,
            UpstreamTlsClients tlsClients) {
        super(shared, headersFilters, properties);
        this.tlsClients = tlsClients;
    }

    @Override
    protected HttpClient getHttpClient(Route route, ServerWebExchange exchange) {
        HttpClient own = tlsClients.forApi(CatalogRoutes.apiId(route));
        return own != null ? own : super.getHttpClient(route, exchange);
    }
}
