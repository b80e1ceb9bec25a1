package io.scopegate.gateway.forward;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.scopegate.gateway.tls.TransportSettings;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.ssl.SslOptions;
import reactor.netty.http.client.HttpClient;

/**
 * The HTTP clients for APIs whose upstream needs its own TLS settings
 * ({@code scopegate.gateway.upstream-tls.<api>=<bundle>}): a private CA to trust, and a client
 * certificate for upstreams that require one. Each is the gateway's shared client (its pool, timeouts
 * and metrics) secured with the bundle; Reactor Netty verifies the upstream's host name against its
 * certificate. A bundle that does not exist stops the gateway at start, rather than at the first
 * partner call; a bundle reloaded from changed files (reload-on-update) is used from the next connection.
 */
class UpstreamTlsClients {

    private static final Logger log = LoggerFactory.getLogger(UpstreamTlsClients.class);

    private static final Duration HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient shared;
    private final Map<String, HttpClient> byApi = new ConcurrentHashMap<>();

    UpstreamTlsClients(HttpClient shared, TransportSettings settings, SslBundles bundles) {
        this.shared = shared;
        settings.upstreamTls().forEach((api, bundleName) -> {
            byApi.put(api, secured(bundles.getBundle(bundleName)));
            bundles.addBundleUpdateHandler(bundleName, updated -> {
                byApi.put(api, secured(updated));
                log.info("Upstream TLS bundle {} of API {} reloaded", bundleName, api);
            });
        });
    }

    /** The client for this API's upstream, or null when it uses the shared one. */
    HttpClient forApi(String api) {
        return api == null || byApi.isEmpty() ? null : byApi.get(api);
    }

    private HttpClient secured(SslBundle bundle) {
        SslContext context = clientContext(bundle);
        return shared.secure(spec -> spec.sslContext(context).handshakeTimeout(HANDSHAKE_TIMEOUT));
    }

    static SslContext clientContext(SslBundle bundle) {
        SslContextBuilder builder = SslContextBuilder.forClient()
                .keyManager(bundle.getManagers().getKeyManagerFactory())
                .trustManager(bundle.getManagers().getTrustManagerFactory());
        SslOptions options = bundle.getOptions();
        if (options.getCiphers() != null) {
            builder.ciphers(Arrays.asList(options.getCiphers()));
        }
        if (options.getEnabledProtocols() != null) {
            builder.protocols(options.getEnabledProtocols());
        }
        try {
            return builder.build();
        } catch (SSLException e) {
            throw new IllegalStateException("Cannot build the upstream TLS context: " + e.getMessage(), e);
        }
    }
}
