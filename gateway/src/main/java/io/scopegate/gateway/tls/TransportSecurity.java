package io.scopegate.gateway.tls;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.TrustedProxies;
import java.util.List;
import org.springframework.core.env.Environment;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.util.StringUtils;

/**
 * Whether a request may be served at all, judged by how it travelled, before anything of it (its
 * credentials above all) is read: with {@code require-tls}, only requests that came over TLS. That is
 * the gateway's own TLS, or a trusted proxy's that says {@code X-Forwarded-Proto: https}; the header from
 * anyone else is ignored, since a client could write it over plain HTTP. A secret that crossed the
 * network in clear is compromised whatever the answer, so the refusal says to reset it.
 */
@Component
public class TransportSecurity {

    private final boolean required;
    private final TrustedProxies proxies;

    TransportSecurity(TransportSettings transport, GatewaySettings gateway, Environment environment) {
        String forwardedHeaders = environment.getProperty("server.forward-headers-strategy", "none");
        if (!"none".equalsIgnoreCase(forwardedHeaders)) {
            throw new IllegalStateException("server.forward-headers-strategy must be none on the gateway, not "
                    + forwardedHeaders + ": with it, any client's X-Forwarded-For or Forwarded header would become"
                    + " the request's peer address. List your proxies in scopegate.gateway.trusted-proxies instead.");
        }
        this.required = transport.requireTls() != null ? transport.requireTls() : servesTls(environment);
        this.proxies = new TrustedProxies(gateway.trustedProxies());
    }

    /** Whether the proxy port terminates TLS itself (a certificate is configured for it). */
    static boolean servesTls(Environment environment) {
        return StringUtils.hasText(environment.getProperty("server.ssl.bundle"))
                || StringUtils.hasText(environment.getProperty("server.ssl.certificate"))
                || StringUtils.hasText(environment.getProperty("server.ssl.key-store"));
    }

    public boolean refuses(ServerHttpRequest request) {
        return required && !cameOverTls(request);
    }

    boolean cameOverTls(ServerHttpRequest request) {
        if (request.getSslInfo() != null) {
            return true;
        }
        if (proxies.isEmpty() || !proxies.contains(TrustedProxies.peerOf(request))) {
            return false;
        }
        // The nearest proxy's word: the last value, as the right-most X-Forwarded-For entry is its.
        List<String> protos = request.getHeaders().getValuesAsList("X-Forwarded-Proto");
        return !protos.isEmpty()
                && "https".equalsIgnoreCase(protos.get(protos.size() - 1).trim());
    }
}
