package io.scopegate.gateway.tls;

import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The transport part of {@code scopegate.gateway.*} (the rest is {@code GatewaySettings}).
 *
 * @param requireTls  refuse every request that did not arrive over TLS (the gateway's own, or a trusted
 *                    proxy's per X-Forwarded-Proto); unset: on exactly when the gateway serves TLS itself
 * @param upstreamTls API id to the name of the Spring Boot SSL bundle used to call that API's upstream
 *                    (its trust store, and a client certificate when the bundle has a key store); APIs
 *                    not named use the JDK's trust store. Host names are verified either way.
 */
@ConfigurationProperties("scopegate.gateway")
public record TransportSettings(
        Boolean requireTls, @DefaultValue Map<String, String> upstreamTls) {}
