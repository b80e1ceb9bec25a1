package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.http.MediaType;
import org.springframework.util.FileSystemUtils;

/**
 * TLS with real handshakes: clients to the gateway and the admin API over HTTPS (HTTP/2), the gateway
 * to partner upstreams over TLS with each API's own trust and client certificate, certificates
 * replaced on disk and served without a restart, client certificates bound to tokens, and credentials
 * sent in clear refused before anyone reads them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsTest extends SystemTest {

    private static final String PARTNER_A = "CN=partner-a,O=Acme Partners";
    private static final String PARTNER_B = "CN=partner-b,O=Acme Partners";

    private final Path dir;
    private final TestCertificates.Issued ca = TestCertificates.authority("Scopegate Test CA");
    private final TestCertificates.Issued stranger = TestCertificates.authority("Somebody Else's CA");
    private final TestCertificates.Issued partnerA = TestCertificates.client(ca, PARTNER_A);
    private final TestCertificates.Issued partnerB = TestCertificates.client(ca, PARTNER_B);
    private final String trustedApi = unique("tls-");
    private final String untrustedApi = unique("tls-");
    private final String wrongHostApi = unique("tls-");
    private final String account = newAccount();

    private Path serverCertificate;
    private Path serverKey;
    private WireMockServer secureUpstream;
    private WireMockServer wrongHostUpstream;
    private RunningGateway gateway;
    private ConfigurableApplicationContext tlsAdmin;

    TlsTest() throws IOException {
        dir = Files.createTempDirectory("scopegate-tls");
    }

    @BeforeAll
    void start() throws IOException {
        serverCertificate = dir.resolve("server.pem");
        serverKey = dir.resolve("server-key.pem");
        mountSecret(TestCertificates.server(ca, "localhost"), 1);
        Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));

        // A partner upstream that requires the gateway's own client certificate, and one whose
        // certificate names another host.
        TestCertificates.Issued gatewayClient = TestCertificates.client(ca, "CN=scopegate-gateway,O=Scopegate Tests");
        secureUpstream = new WireMockServer(WireMockConfiguration.options()
                .httpDisabled(true)
                .httpsPort(0)
                .keystorePath(TestCertificates.server(ca, "localhost")
                        .writeKeyStore(dir.resolve("upstream.p12"))
                        .toString())
                .keystoreType("PKCS12")
                .keystorePassword(TestCertificates.storePassword())
                .keyManagerPassword(TestCertificates.storePassword())
                .needClientAuth(true)
                .trustStorePath(
                        ca.writeTrustStore(dir.resolve("upstream-trust.p12")).toString())
                .trustStoreType("PKCS12")
                .trustStorePassword(TestCertificates.storePassword()));
        secureUpstream.start();
        wrongHostUpstream = new WireMockServer(WireMockConfiguration.options()
                .httpDisabled(true)
                .httpsPort(0)
                .keystorePath(TestCertificates.server(ca, "elsewhere.test")
                        .writeKeyStore(dir.resolve("elsewhere.p12"))
                        .toString())
                .keystoreType("PKCS12")
                .keystorePassword(TestCertificates.storePassword())
                .keyManagerPassword(TestCertificates.storePassword()));
        wrongHostUpstream.start();
        for (WireMockServer upstream : List.of(secureUpstream, wrongHostUpstream)) {
            upstream.stubFor(any(urlPathMatching("/.*"))
                    .willReturn(aResponse()
                            .withStatus(200)
                            .withHeader("Content-Type", "application/json")
                            .withBody("{\"from\":\"secure upstream\"}")));
        }
        putApi(trustedApi, "https://localhost:" + secureUpstream.httpsPort(), "GET");
        putApi(untrustedApi, "https://localhost:" + secureUpstream.httpsPort(), "GET");
        putApi(wrongHostApi, "https://localhost:" + wrongHostUpstream.httpsPort(), "GET");

        Map<String, String> tls = new HashMap<>();
        tls.put("scopegate.tls.certificate", serverCertificate.toString());
        tls.put("scopegate.tls.private-key", serverKey.toString());
        tls.put("scopegate.tls.client-ca", caFile.toString());
        // Renewals are picked up after a quiet second here; 10 s by default.
        tls.put("spring.ssl.bundle.watch.file.quiet-period", "500ms");
        tls.put("scopegate.gateway.upstream-tls." + trustedApi, "partner-upstream");
        tls.put("scopegate.gateway.upstream-tls." + wrongHostApi, "partner-upstream");
        tls.put("spring.ssl.bundle.pem.partner-upstream.truststore.certificate", caFile.toString());
        tls.put(
                "spring.ssl.bundle.pem.partner-upstream.keystore.certificate",
                gatewayClient.writeChain(dir.resolve("gateway-client.pem")).toString());
        tls.put(
                "spring.ssl.bundle.pem.partner-upstream.keystore.private-key",
                gatewayClient.writeKey(dir.resolve("gateway-client-key.pem")).toString());
        gateway = system.startGateway(tls);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> call(null, "/" + trustedApi + "/probe", null).statusCode() == 403);

        Map<String, String> adminTls = new HashMap<>(tls);
        adminTls.keySet().removeIf(key -> key.contains("upstream") || key.contains("client-ca"));
        tlsAdmin = Scopegate.startAdmin(system.r2dbcUrl(), Scopegate.OPERATOR_PASSWORD, adminTls);
    }

    @AfterAll
    void stop() {
        for (AutoCloseable running :
                new AutoCloseable[] {gateway, tlsAdmin, secureUpstream::stop, wrongHostUpstream::stop}) {
            try {
                if (running != null) {
                    running.close();
                }
            } catch (Exception ignored) {
                // Best effort: the next resource still gets closed.
            }
        }
    }

    @Test
    void aTokenCallGoesOverHttp2ThroughTheGatewayToAnHttpsUpstream() throws Exception {
        Map<String, Object> token = createToken(account, trustedApi, "GET");

        HttpResponse<String> response = call(null, "/" + trustedApi + "/campaigns", credentials(token));

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("secure upstream");
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(response.sslSession().orElseThrow().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
    }

    @Test
    void anUpstreamIsTrustedOnlyThroughItsApisBundleAndByItsHostName() throws Exception {
        Map<String, Object> untrusted = createToken(account, untrustedApi, "GET");
        Map<String, Object> wrongHost = createToken(account, wrongHostApi, "GET");

        // The upstream's CA is not in the JDK's trust store, and this API names no bundle: 502.
        assertThat(call(null, "/" + untrustedApi + "/x", credentials(untrusted)).statusCode())
                .isEqualTo(502);
        // Trusted CA, but the certificate is for elsewhere.test, not localhost: 502.
        assertThat(call(null, "/" + wrongHostApi + "/x", credentials(wrongHost)).statusCode())
                .isEqualTo(502);
        assertThat(wrongHostUpstream.getAllServeEvents()).isEmpty();
    }

    @Test
    void plainHttpToTheTlsPortIsNeitherAnsweredNorForwarded() throws Exception {
        Map<String, Object> token = createToken(account, trustedApi, "GET");
        String answer = rawPlainHttp(gateway.port(), "/" + trustedApi + "/x", credentials(token));

        assertThat(answer).doesNotStartWith("HTTP/");
        assertThat(secureUpstream.findAll(com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor(
                        urlPathMatching("/" + trustedApi + "/x"))))
                .isEmpty();
    }

    @Test
    void behindAProxyARequestThatCameInClearIsRefusedBeforeItsCredentialsAreRead() throws Exception {
        Map<String, Object> token = createToken(account, trustedApi, "GET");
        String api = newApi("GET");
        Map<String, Object> plainToken = createToken(account, api, "GET");
        try (RunningGateway behindProxy = system.startGateway(Map.of(
                "scopegate.gateway.require-tls", "true",
                "scopegate.gateway.trusted-proxies[0]", "127.0.0.1/32",
                // One failure a minute: had the refused requests' credentials been checked, the
                // second wrong one would be answered 429.
                "scopegate.gateway.auth-failures-per-minute", "1"))) {
            awaitReady(behindProxy);
            for (int i = 0; i < 3; i++) {
                behindProxy
                        .client()
                        .get()
                        .uri("/" + api + "/x")
                        .header("Authorization", basic((String) token.get("sid"), "wrong-secret-" + i))
                        .header("X-Forwarded-Proto", "http")
                        .exchange()
                        .expectStatus()
                        .isForbidden()
                        .expectHeader()
                        .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                        .expectBody()
                        .jsonPath("$.type")
                        .isEqualTo("urn:scopegate:problem:tls-required")
                        .jsonPath("$.detail")
                        .value(detail -> assertThat((String) detail).contains("reset"));
            }
            // Said by the trusted proxy: the client spoke TLS to it.
            behindProxy
                    .client()
                    .get()
                    .uri("/" + api + "/x")
                    .header("Authorization", credentials(plainToken))
                    .header("X-Forwarded-Proto", "https")
                    .exchange()
                    .expectStatus()
                    .isOk();
            assertThat(behindProxy.scrape()).contains("outcome=\"tls_required\"");
        }
    }

    @Test
    void onKubernetesAClientCannotForgeTheProxyThatVouchesForTls() throws Exception {
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        // Boot believes forwarding headers by itself when it detects Kubernetes, unless told not to.
        try (RunningGateway onKubernetes = system.startGateway(Map.of(
                "spring.main.cloud-platform", "kubernetes",
                "scopegate.gateway.require-tls", "true",
                "scopegate.gateway.trusted-proxies[0]", "192.0.2.0/24"))) {
            awaitReady(onKubernetes);
            onKubernetes
                    .client()
                    .get()
                    .uri("/" + api + "/x")
                    .header("Authorization", credentials(token))
                    .header("X-Forwarded-For", "192.0.2.7")
                    .header("Forwarded", "for=192.0.2.7;proto=https")
                    .header("X-Forwarded-Proto", "https")
                    .exchange()
                    .expectStatus()
                    .isForbidden()
                    .expectBody()
                    .jsonPath("$.type")
                    .isEqualTo("urn:scopegate:problem:tls-required");
        }
    }

    @Test
    void aClientCannotMakeTheGatewayRenegotiateTls() throws Exception {
        try (SSLSocket socket = (SSLSocket)
                TestCertificates.clientContext(ca, null).getSocketFactory().createSocket("localhost", gateway.port())) {
            // Renegotiation exists only up to TLS 1.2.
            socket.setEnabledProtocols(new String[] {"TLSv1.2"});
            socket.setSoTimeout(5000);
            socket.startHandshake();

            // A second handshake on the open connection: refused, the connection closed.
            assertThatThrownBy(() -> {
                        socket.startHandshake();
                        socket.getOutputStream()
                                .write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                        if (socket.getInputStream().read() < 0) {
                            throw new IOException("closed");
                        }
                    })
                    .isInstanceOf(IOException.class);
        }
    }

    @Test
    void aRenewedCertificateIsServedWithoutARestartRenewalAfterRenewal() throws Exception {
        // As a Kubernetes Secret volume renews: a new directory, then the ..data link swapped to it.
        // Twice, since a watcher that follows only the first swap would pass a single renewal.
        for (int version = 2; version <= 3; version++) {
            BigInteger before = servedCertificate(gateway.port()).getSerialNumber();
            TestCertificates.Issued renewed = TestCertificates.server(ca, "localhost");

            mountSecret(renewed, version);

            await().atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> servedCertificate(gateway.port()).getSerialNumber(), serial -> !serial.equals(before));
            assertThat(servedCertificate(gateway.port()).getSerialNumber())
                    .isEqualTo(renewed.certificate().getSerialNumber());
        }
        Map<String, Object> token = createToken(account, trustedApi, "GET");
        assertThat(call(null, "/" + trustedApi + "/after-renewal", credentials(token))
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void aTokenBoundToAClientCertificateWorksOnlyWithThatCertificate() throws Exception {
        Map<String, Object> token = createToken(account, trustedApi, "GET");
        bind(token, PARTNER_A);
        String path = "/" + trustedApi + "/bound";

        await().atMost(Duration.ofSeconds(5))
                .until(() -> call(null, path, credentials(token)).statusCode() == 403);
        assertThat(call(partnerA, path, credentials(token)).statusCode()).isEqualTo(200);
        HttpResponse<String> otherPartner = call(partnerB, path, credentials(token));
        assertThat(otherPartner.statusCode()).isEqualTo(403);
        assertThat(otherPartner.body()).contains("client certificate");
        // The same subject from a CA the gateway does not trust, sent although the handshake named the
        // CAs it accepts (a JDK client would keep it to itself): the handshake fails.
        TestCertificates.Issued impostor = TestCertificates.client(stranger, PARTNER_A);
        HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + path))
                .header("Authorization", credentials(token))
                .timeout(Duration.ofSeconds(20))
                .build();
        assertThatThrownBy(() -> presentingAnyway(impostor).send(request, HttpResponse.BodyHandlers.ofString()))
                .isInstanceOf(IOException.class);
        // The same insistent client with the real certificate is served: the failure above is the gateway's.
        assertThat(presentingAnyway(partnerA)
                        .send(request, HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
    }

    @Test
    void anApiThatRequiresMutualTlsServesOnlyBoundTokensWithTheirCertificate() throws Exception {
        String api = unique("mtls-");
        putApi(api, "http://localhost:" + upstream.port(), Map.of("mutualTls", true), "GET");
        upstream.stubFor(
                any(urlPathMatching("/" + api + "/.*")).willReturn(aResponse().withStatus(200)));
        Map<String, Object> bound = createToken(account, api, "GET");
        bind(bound, PARTNER_A);
        Map<String, Object> unbound = createToken(account, api, "GET");
        String path = "/" + api + "/x";

        await().atMost(Duration.ofSeconds(5))
                .until(() -> call(partnerA, path, credentials(bound)).statusCode() == 200);
        assertThat(call(partnerA, path, credentials(unbound)).statusCode()).isEqualTo(403);
        assertThat(call(null, path, credentials(bound)).statusCode()).isEqualTo(403);
    }

    @Test
    void theAdminApiServesHttpsWithHstsAndKeepsItsManagementPortPlain() throws Exception {
        int port = Integer.parseInt(tlsAdmin.getEnvironment().getProperty("local.server.port"));
        HttpClient client = client(null);
        HttpResponse<String> accounts = client.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/v1/apis"))
                        .header("Authorization", basic("admin", Scopegate.OPERATOR_PASSWORD))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(accounts.statusCode()).isEqualTo(200);
        assertThat(accounts.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(accounts.headers().firstValue("Strict-Transport-Security"))
                .hasValueSatisfying(hsts -> assertThat(hsts).contains("max-age="));
        HttpResponse<String> console = client.send(
                HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/console/login"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(console.headers().firstValue("Strict-Transport-Security")).isPresent();
        assertThat(rawPlainHttp(port, "/v1/accounts", basic("admin", Scopegate.OPERATOR_PASSWORD)))
                .doesNotStartWith("HTTP/");

        int management = Integer.parseInt(tlsAdmin.getEnvironment().getProperty("local.management.port"));
        HttpResponse<String> health = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(
                                        URI.create("http://localhost:" + management + "/actuator/health/liveness"))
                                .timeout(Duration.ofSeconds(20))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
    }

    /**
     * The server certificate as a Kubernetes Secret volume holds it: {@code server.pem -> ..data/server.pem},
     * {@code ..data -> ..v<version>}; a new version is written beside the old, the link swapped atomically,
     * the old directory removed.
     */
    private void mountSecret(TestCertificates.Issued server, int version) throws IOException {
        Path current = Files.createDirectory(dir.resolve("..v" + version));
        server.writeChain(current.resolve("server.pem"));
        server.writeKey(current.resolve("server-key.pem"));
        Path swap = Files.createSymbolicLink(dir.resolve("..data_tmp"), current.getFileName());
        Files.move(swap, dir.resolve("..data"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        if (version == 1) {
            Files.createSymbolicLink(serverCertificate, Path.of("..data", "server.pem"));
            Files.createSymbolicLink(serverKey, Path.of("..data", "server-key.pem"));
        } else {
            FileSystemUtils.deleteRecursively(dir.resolve("..v" + (version - 1)));
        }
    }

    private void bind(Map<String, Object> token, String subject) {
        admin().patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, token.get("sid"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("clientCertificateSubject", subject))
                .exchange()
                .expectStatus()
                .isOk();
    }

    private static String credentials(Map<String, Object> token) {
        return basic((String) token.get("sid"), (String) token.get("authToken"));
    }

    private HttpClient client(TestCertificates.Issued identity) {
        SSLContext context = TestCertificates.clientContext(ca, identity);
        return HttpClient.newBuilder()
                .sslContext(context)
                .version(HttpClient.Version.HTTP_2)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    private HttpClient presentingAnyway(TestCertificates.Issued identity) {
        return HttpClient.newBuilder()
                .sslContext(TestCertificates.clientContextPresentingAnyway(ca, identity))
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    /** A call through the TLS gateway, presenting {@code identity} when not null. */
    private HttpResponse<String> call(TestCertificates.Issued identity, String path, String authorization)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("https://localhost:" + gateway.port() + path))
                .timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return client(identity).send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private X509Certificate servedCertificate(int port) throws IOException {
        try (SSLSocket socket = (SSLSocket)
                TestCertificates.clientContext(ca, null).getSocketFactory().createSocket("localhost", port)) {
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    /** What a TLS port answers to a plain HTTP request carrying credentials: the first bytes, if any. */
    private static String rawPlainHttp(int port, String path, String authorization) throws IOException {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(5000);
            socket.getOutputStream()
                    .write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + authorization
                                    + "\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16];
            int read;
            try {
                read = in.readNBytes(buffer, 0, buffer.length);
            } catch (IOException closed) {
                return "";
            }
            return new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
        }
    }
}
