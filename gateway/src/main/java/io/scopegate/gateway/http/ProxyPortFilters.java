package io.scopegate.gateway.http;

import io.scopegate.gateway.observability.AccessLog;
import io.scopegate.gateway.observability.RequestMetrics;
import io.scopegate.gateway.revocation.StoreSync;
import io.scopegate.gateway.tls.TransportSecurity;
import io.scopegate.gateway.usage.UsageRecorder;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Installs the entry filter on the proxy port only, first of all filters. As a WebFilter bean it would
 * also run on the management port, whose handler Boot builds from the context's WebFilter beans (parent
 * included) without the customizers: health probes and scrapes would be counted in
 * scopegate_requests_total and the access log, and answered 503 while the cache is cold — liveness
 * included, so an orchestrator would restart a gateway that is only waiting for its store.
 */
@Configuration(proxyBeanMethods = false)
class ProxyPortFilters {

    @Bean
    WebHttpHandlerBuilderCustomizer entryFilterOnProxyPort(
            RequestMetrics metrics,
            UsageRecorder usage,
            AccessLog accessLog,
            StoreSync sync,
            TransportSecurity transport) {
        EntryWebFilter entry = new EntryWebFilter(metrics, usage, accessLog, sync, transport);
        return builder -> builder.filters(filters -> filters.add(0, entry));
    }
}
