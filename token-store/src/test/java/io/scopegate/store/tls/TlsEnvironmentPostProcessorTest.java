package io.scopegate.store.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

class TlsEnvironmentPostProcessorTest {

    private final TlsEnvironmentPostProcessor processor = new TlsEnvironmentPostProcessor();

    @Test
    void withoutACertificateItIsPlainHttp11() {
        MockEnvironment environment = new MockEnvironment();

        processor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("server.ssl.bundle")).isNull();
        assertThat(environment.getProperty("server.http2.enabled")).isEqualTo("false");
    }

    @Test
    void withoutACertificateAnExplicitHttp2SettingWins() {
        MockEnvironment environment = new MockEnvironment().withProperty("server.http2.enabled", "true");

        processor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("server.http2.enabled")).isEqualTo("true");
    }

    @Test
    void aCertificateAndKeyServeTheMainPortOverModernTlsReloadedOnChange() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("scopegate.tls.certificate", "/certs/tls.crt")
                .withProperty("scopegate.tls.private-key", "/certs/tls.key");

        processor.postProcessEnvironment(environment, new SpringApplication());

        String bundle = "spring.ssl.bundle.pem.scopegate-server.";
        assertThat(environment.getProperty("server.ssl.bundle")).isEqualTo("scopegate-server");
        assertThat(environment.getProperty(bundle + "keystore.certificate")).isEqualTo("/certs/tls.crt");
        assertThat(environment.getProperty(bundle + "keystore.private-key")).isEqualTo("/certs/tls.key");
        assertThat(environment.getProperty(bundle + "reload-on-update")).isEqualTo("true");
        assertThat(environment.getProperty(bundle + "options.enabled-protocols"))
                .isEqualTo("TLSv1.3,TLSv1.2");
        // Forward secrecy and AEAD only: TLS 1.3's suites, or ECDHE with GCM or ChaCha20-Poly1305.
        assertThat(environment.getProperty(bundle + "options.ciphers").split(","))
                .allSatisfy(
                        cipher -> assertThat(cipher)
                                .matches(
                                        "TLS_(AES_\\d+_GCM|CHACHA20_POLY1305)_SHA\\d+|TLS_ECDHE_(RSA|ECDSA)_WITH_.*(GCM|POLY1305)_SHA\\d+"));
        assertThat(environment.getProperty("server.http2.enabled")).isEqualTo("true");
        assertThat(environment.getProperty("management.server.ssl.enabled")).isEqualTo("false");
        // No client CA: no client certificate is asked for.
        assertThat(environment.getProperty("server.ssl.client-auth")).isNull();
    }

    @Test
    void aClientCaAsksForClientCertificatesWithoutDemandingThem() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("scopegate.tls.certificate", "/certs/tls.crt")
                .withProperty("scopegate.tls.private-key", "/certs/tls.key")
                .withProperty("scopegate.tls.client-ca", "/certs/partners-ca.crt");

        processor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("spring.ssl.bundle.pem.scopegate-server.truststore.certificate"))
                .isEqualTo("/certs/partners-ca.crt");
        assertThat(environment.getProperty("server.ssl.client-auth")).isEqualTo("want");
    }

    @Test
    void explicitSettingsWin() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("scopegate.tls.certificate", "/certs/tls.crt")
                .withProperty("scopegate.tls.private-key", "/certs/tls.key")
                .withProperty("server.http2.enabled", "false");

        processor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("server.http2.enabled")).isEqualTo("false");
    }

    @Test
    void aCertificateWithoutItsKeyIsAnErrorThatSaysWhatIsMissing() {
        MockEnvironment environment = new MockEnvironment().withProperty("scopegate.tls.certificate", "/certs/tls.crt");

        assertThatThrownBy(() -> processor.postProcessEnvironment(environment, new SpringApplication()))
                .hasMessageContaining("scopegate.tls.private-key");
    }
}
