package io.scopegate.gateway.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

import io.scopegate.gateway.token.Caller;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

class ClientCertificatesTest {

    private static Caller caller(String boundSubject) {
        return new Caller(
                "AC1",
                "ST1",
                1,
                List.of(),
                null,
                null,
                null,
                boundSubject == null ? null : new X500Principal(boundSubject));
    }

    private static ServerHttpRequest presenting(String subject) {
        X509Certificate certificate = mock(X509Certificate.class);
        when(certificate.getSubjectX500Principal()).thenReturn(new X500Principal(subject));
        SslInfo ssl = mock(SslInfo.class);
        when(ssl.getPeerCertificates()).thenReturn(new X509Certificate[] {certificate});
        return MockServerHttpRequest.get("/x").sslInfo(ssl).build();
    }

    private static ServerHttpRequest tlsWithoutCertificate() {
        return MockServerHttpRequest.get("/x").sslInfo(mock(SslInfo.class)).build();
    }

    @Test
    void anUnboundTokenNeedsNoCertificateExceptOnAMutualTlsApi() {
        assertThat(ClientCertificates.permit(tlsWithoutCertificate(), caller(null), false))
                .isTrue();
        assertThat(ClientCertificates.permit(presenting("CN=partner-a"), caller(null), true))
                .isFalse();
    }

    @Test
    void aBoundTokenNeedsExactlyItsCertificateOnEveryApi() {
        Caller bound = caller("CN=partner-a,O=Acme");

        assertThat(ClientCertificates.permit(presenting("CN=partner-a,O=Acme"), bound, false))
                .isTrue();
        assertThat(ClientCertificates.permit(presenting("CN=partner-a,O=Acme"), bound, true))
                .isTrue();
        assertThat(ClientCertificates.permit(presenting("CN=partner-b,O=Acme"), bound, false))
                .isFalse();
        assertThat(ClientCertificates.permit(tlsWithoutCertificate(), bound, false))
                .isFalse();
        assertThat(ClientCertificates.permit(MockServerHttpRequest.get("/x").build(), bound, false))
                .isFalse();
    }

    @Test
    void subjectsAreComparedAsNamesWhoseValuesMustMatchToTheLetter() {
        Caller bound = caller("CN=partner-a,O=Acme");

        assertThat(ClientCertificates.permit(presenting("cn=partner-a, o=Acme"), bound, true))
                .isTrue();
        // Values that X.500's canonical form would fold together are different subjects here.
        assertThat(ClientCertificates.permit(presenting("CN=PARTNER-A,O=Acme"), bound, true))
                .isFalse();
        assertThat(ClientCertificates.permit(presenting("CN=\uff50artner-a,O=Acme"), bound, true))
                .isFalse();
        assertThat(ClientCertificates.permit(presenting("CN=partner-a,O=Acme\u00a0"), bound, true))
                .isFalse();
    }
}
