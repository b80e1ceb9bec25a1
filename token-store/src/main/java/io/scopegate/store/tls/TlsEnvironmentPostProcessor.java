package io.scopegate.store.tls;

import java.util.HashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Serves a service's main port over TLS when it is given a certificate: {@code scopegate.tls.certificate}
 * and {@code scopegate.tls.private-key} (PEM files) become a Spring Boot SSL bundle that is reloaded when
 * the files change (cert-manager and Let's Encrypt renew by replacing them), with TLS 1.2 and 1.3 only,
 * forward-secret AEAD ciphers, and HTTP/2. With {@code scopegate.tls.client-ca} the port also asks for a
 * client certificate signed by that CA (asks, does not demand: the gateway decides per API and token
 * whether one is needed). Two settings instead of Boot's dozen, so run.sh, Compose and Kubernetes all set
 * the same two variables; anything set explicitly under {@code server.ssl} or {@code spring.ssl} wins.
 * The management port stays plain HTTP for probes and Prometheus on the inside (it is reachable from
 * there only: loopback in run.sh, a NetworkPolicy on Kubernetes), unless management.server.ssl.* says otherwise.
 */
public class TlsEnvironmentPostProcessor implements EnvironmentPostProcessor {

    /** The SSL bundle the main port serves; the gateway checks it to know whether it speaks TLS itself. */
    public static final String SERVER_BUNDLE = "scopegate-server";

    static final String SOURCE_NAME = "scopegate-tls";

    static final String REJECT_RENEGOTIATION = "jdk.tls.rejectClientInitiatedRenegotiation";

    /** TLS 1.3's suites, then TLS 1.2's ECDHE with AES-GCM or ChaCha20-Poly1305: no CBC, no RSA key exchange. */
    static final String CIPHERS = String.join(
            ",",
            "TLS_AES_128_GCM_SHA256",
            "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String certificate = environment.getProperty("scopegate.tls.certificate", "");
        String privateKey = environment.getProperty("scopegate.tls.private-key", "");
        if (certificate.isBlank() && privateKey.isBlank()) {
            // Plain HTTP is HTTP/1.1 (Boot's default, said out loud and still overridable): Spring Cloud
            // Gateway then also leaves out its gRPC header filters, which looked at every request's
            // content type for nothing (bench/RESULTS.md, "Request path"). With TLS, HTTP/2 is on (below).
            environment
                    .getPropertySources()
                    .addLast(new MapPropertySource(SOURCE_NAME, Map.of("server.http2.enabled", false)));
            return;
        }
        if (certificate.isBlank() || privateKey.isBlank()) {
            throw new IllegalStateException("TLS needs both scopegate.tls.certificate and scopegate.tls.private-key"
                    + " (SCOPEGATE_TLS_CERTIFICATE, SCOPEGATE_TLS_PRIVATE_KEY): PEM files of the certificate"
                    + " chain and its private key");
        }
        String bundle = "spring.ssl.bundle.pem." + SERVER_BUNDLE + ".";
        Map<String, Object> tls = new HashMap<>();
        tls.put(bundle + "keystore.certificate", certificate.trim());
        tls.put(bundle + "keystore.private-key", privateKey.trim());
        tls.put(bundle + "reload-on-update", true);
        tls.put(bundle + "options.enabled-protocols", "TLSv1.3,TLSv1.2");
        tls.put(bundle + "options.ciphers", CIPHERS);
        String clientCa = environment.getProperty("scopegate.tls.client-ca", "");
        if (!clientCa.isBlank()) {
            tls.put(bundle + "truststore.certificate", clientCa.trim());
            tls.put("server.ssl.client-auth", "want");
        }
        tls.put("server.ssl.bundle", SERVER_BUNDLE);
        // TLS 1.2 lets a client ask for a new handshake on an open connection, over and over: each costs
        // the server a full key exchange, a lever for exhausting its CPU that no connection limit
        // bounds (HTTP/2 forbids it anyway). Set before the first TLS engine exists, as the JDK reads it
        // once; -Djdk.tls.rejectClientInitiatedRenegotiation=false on the command line still wins.
        if (System.getProperty(REJECT_RENEGOTIATION) == null) {
            System.setProperty(REJECT_RENEGOTIATION, "true");
        }
        tls.put("server.http2.enabled", true);
        // The management port would inherit server.ssl: it stays plain for probes and scrapes from
        // inside the cluster unless management.server.ssl.* is set.
        tls.put("management.server.ssl.enabled", false);
        // After the application's own files, so an explicit server.ssl.* or spring.ssl.* setting wins.
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, tls));
    }
}
