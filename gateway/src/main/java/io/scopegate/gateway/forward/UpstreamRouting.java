package io.scopegate.gateway.forward;

import io.scopegate.gateway.tls.TransportSettings;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.cloud.gateway.config.GatewayProperties;
import org.springframework.cloud.gateway.config.HttpClientProperties;
import org.springframework.cloud.gateway.filter.NettyWriteResponseFilter;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import reactor.netty.http.client.HttpClient;

/**
 * The routing filter with per-API upstream TLS, in place of Spring Cloud Gateway's own. Switching the
 * stock routing filter off also switches off the filter that writes the upstream's response back (it is
 * conditional on the former), so that one is declared here as Spring Cloud Gateway declares it.
 */
@Configuration(proxyBeanMethods = false)
class UpstreamRouting {

    @Bean
    UpstreamRoutingFilter upstreamRoutingFilter(
            HttpClient gatewayHttpClient,
            ObjectProvider<List<HttpHeadersFilter>> headersFilters,
            HttpClientProperties properties,
            TransportSettings transport,
            SslBundles bundles) {
        return new UpstreamRoutingFilter(
                gatewayHttpClient,
                headersFilters,
                properties,
                new UpstreamTlsClients(gatewayHttpClient, transport, bundles));
    }

    /** In place of Spring Cloud Gateway's RouteToRequestUrlFilter, switched off in gateway.yaml. */
    @Bean
    UpstreamUrlFilter upstreamUrlFilter() {
        return new UpstreamUrlFilter();
    }

    @Bean
    NettyWriteResponseFilter nettyWriteResponseFilter(
            GatewayProperties gateway, ObjectProvider<List<HttpHeadersFilter>> headersFilters) {
        return new NettyWriteResponseFilter(gateway.getStreamingMediaTypes(), headersFilters);
    }
}
