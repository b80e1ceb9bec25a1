package io.scopegate.gateway.tls;

import io.scopegate.gateway.token.Caller;
import java.security.cert.X509Certificate;
import javax.security.auth.x500.X500Principal;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.SslInfo;

/**
 * Mutual TLS as a second factor: a token bound to a client certificate's subject works only over a
 * connection that presented that certificate, and an API that requires mutual TLS serves only tokens so
 * bound. The certificate itself was verified by the TLS handshake against {@code scopegate.tls.client-ca};
 * here its subject is matched in RFC 2253 form: spacing and the spelling of attribute names do not matter,
 * the values do, to the letter. (X.500's canonical comparison would also fold case, width and some
 * whitespace of values, letting "CN=PARTNER-A" stand for "CN=partner-a".) A certificate a proxy
 * terminated is never believed: mutual TLS needs the gateway's own TLS.
 */
public final class ClientCertificates {

    private ClientCertificates() {}

    /** Whether this caller may go on over this connection to an API that does or does not require mutual TLS. */
    public static boolean permit(ServerHttpRequest request, Caller caller, boolean apiRequiresMutualTls) {
        return permit(presentedSubject(request), caller, apiRequiresMutualTls);
    }

    /**
     * The same rule for a connection that presented the certificate of this subject (null: none), e.g. an
     * open WebSocket tunnel, re-judged when its token or API changes.
     */
    public static boolean permit(X500Principal presented, Caller caller, boolean apiRequiresMutualTls) {
        X500Principal bound = caller.clientCertificateSubject();
        if (bound == null) {
            return !apiRequiresMutualTls;
        }
        return presented != null
                && bound.getName(X500Principal.RFC2253).equals(presented.getName(X500Principal.RFC2253));
    }

    /** The subject of the client certificate this request's connection presented, or null. */
    public static X500Principal presentedSubject(ServerHttpRequest request) {
        SslInfo ssl = request.getSslInfo();
        if (ssl == null) {
            return null;
        }
        X509Certificate[] chain = ssl.getPeerCertificates();
        return chain == null || chain.length == 0 ? null : chain[0].getSubjectX500Principal();
    }
}
