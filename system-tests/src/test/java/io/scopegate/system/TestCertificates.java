package io.scopegate.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Real certificates for real TLS handshakes in tests: a CA, server certificates for host names and
 * addresses, and partners' client certificates, as PEM files (what Scopegate is configured with), as
 * PKCS#12 key stores (what WireMock serves) and as SSL contexts (what the test clients use).
 */
final class TestCertificates {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] STORE_PASSWORD = "test-store".toCharArray();

    /** A certificate with its key, and the chain up to (not including) its CA. */
    record Issued(X509Certificate certificate, PrivateKey key, Issued issuer) {

        X509Certificate[] chain() {
            List<X509Certificate> chain = new ArrayList<>();
            for (Issued at = this; at != null; at = at.issuer()) {
                chain.add(at.certificate());
            }
            return chain.toArray(X509Certificate[]::new);
        }

        /** The certificate and its issuers, PEM, to {@code file}. */
        Path writeChain(Path file) {
            StringBuilder pem = new StringBuilder();
            for (X509Certificate certificate : chain()) {
                pem.append(pem("CERTIFICATE", encoded(certificate)));
            }
            return write(file, pem.toString());
        }

        /** The certificate alone, PEM: a CA's, for trust stores. */
        Path writeCertificate(Path file) {
            return write(file, pem("CERTIFICATE", encoded(certificate)));
        }

        /** The private key, PKCS#8 PEM. */
        Path writeKey(Path file) {
            return write(file, pem("PRIVATE KEY", key.getEncoded()));
        }

        /** A PKCS#12 trust store holding this (CA's) certificate, to {@code file}. */
        Path writeTrustStore(Path file) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setCertificateEntry("ca", certificate);
                try (var out = Files.newOutputStream(file)) {
                    store.store(out, STORE_PASSWORD);
                }
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /** A PKCS#12 key store with this key and chain (password {@link #STORE_PASSWORD}), to {@code file}. */
        Path writeKeyStore(Path file) {
            try {
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("key", key, STORE_PASSWORD, chain());
                try (var out = Files.newOutputStream(file)) {
                    store.store(out, STORE_PASSWORD);
                }
                return file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private TestCertificates() {}

    static String storePassword() {
        return new String(STORE_PASSWORD);
    }

    static Issued authority(String commonName) {
        KeyPair keys = keyPair();
        X500Name name = name("CN=" + commonName + ",O=Scopegate Tests");
        X509v3CertificateBuilder builder = builder(name, name, keys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
            builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Issued(sign(builder, keys.getPrivate()), keys.getPrivate(), null);
    }

    /** A server certificate for these DNS names (and 127.0.0.1 when one is localhost), issued by {@code ca}. */
    static Issued server(Issued ca, String... dnsNames) {
        List<GeneralName> names = new ArrayList<>();
        for (String dns : dnsNames) {
            names.add(new GeneralName(GeneralName.dNSName, dns));
        }
        if (List.of(dnsNames).contains("localhost")) {
            names.add(new GeneralName(GeneralName.iPAddress, "127.0.0.1"));
        }
        return issue(ca, "CN=" + dnsNames[0] + ",O=Scopegate Tests", KeyPurposeId.id_kp_serverAuth, names);
    }

    /** A client certificate with this subject, issued by {@code ca}. */
    static Issued client(Issued ca, String subject) {
        return issue(ca, subject, KeyPurposeId.id_kp_clientAuth, List.of());
    }

    /** A client trusting {@code ca} and, when {@code identity} is not null, presenting it. */
    static SSLContext clientContext(Issued ca, Issued identity) {
        return clientContext(ca, identity, false);
    }

    /**
     * A client that presents {@code identity} even when the server named other CAs as acceptable: a JDK
     * client keeps such a certificate to itself, an attacker's client does not.
     */
    static SSLContext clientContextPresentingAnyway(Issued ca, Issued identity) {
        return clientContext(ca, identity, true);
    }

    private static SSLContext clientContext(Issued ca, Issued identity, boolean presentAnyway) {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.certificate());
            TrustManagerFactory trustManagers =
                    TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trustManagers.init(trust);
            KeyManagerFactory keyManagers = null;
            if (identity != null) {
                KeyStore keys = KeyStore.getInstance("PKCS12");
                keys.load(null, null);
                keys.setKeyEntry("client", identity.key(), STORE_PASSWORD, identity.chain());
                keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keyManagers.init(keys, STORE_PASSWORD);
            }
            KeyManager[] presented = keyManagers == null ? null : keyManagers.getKeyManagers();
            if (presentAnyway) {
                presented = new KeyManager[] {new AlwaysPresenting((X509ExtendedKeyManager) presented[0])};
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(presented, trustManagers.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Chooses its one client certificate whatever the server asked for. */
    private static final class AlwaysPresenting extends X509ExtendedKeyManager {

        private final X509ExtendedKeyManager keys;

        AlwaysPresenting(X509ExtendedKeyManager keys) {
            this.keys = keys;
        }

        @Override
        public String chooseClientAlias(String[] keyTypes, Principal[] issuers, Socket socket) {
            return "client";
        }

        @Override
        public String chooseEngineClientAlias(String[] keyTypes, Principal[] issuers, SSLEngine engine) {
            return "client";
        }

        @Override
        public String[] getClientAliases(String keyType, Principal[] issuers) {
            return new String[] {"client"};
        }

        @Override
        public String[] getServerAliases(String keyType, Principal[] issuers) {
            return keys.getServerAliases(keyType, issuers);
        }

        @Override
        public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
            return keys.chooseServerAlias(keyType, issuers, socket);
        }

        @Override
        public X509Certificate[] getCertificateChain(String alias) {
            return keys.getCertificateChain(alias);
        }

        @Override
        public PrivateKey getPrivateKey(String alias) {
            return keys.getPrivateKey(alias);
        }
    }

    private static Issued issue(Issued ca, String subject, KeyPurposeId purpose, List<GeneralName> altNames) {
        KeyPair keys = keyPair();
        X509v3CertificateBuilder builder = builder(
                X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()), name(subject), keys);
        try {
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
            if (!altNames.isEmpty()) {
                builder.addExtension(
                        Extension.subjectAlternativeName,
                        false,
                        new GeneralNames(altNames.toArray(GeneralName[]::new)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Issued(sign(builder, ca.key()), keys.getPrivate(), ca);
    }

    /**
     * An X.500 name from its RFC 4514 string, as certificates and Scopegate's bindings write it: the first
     * attribute is the most specific, the last in DER order. (Bouncy Castle's own string parser keeps the
     * written order, which would turn "CN=a,O=b" into the name RFC 4514 writes "O=b,CN=a".)
     */
    private static X500Name name(String rfc4514) {
        return X500Name.getInstance(new X500Principal(rfc4514).getEncoded());
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                new BigInteger(64, RANDOM),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))),
                subject,
                keys.getPublic());
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, PrivateKey issuerKey) {
        try {
            return new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (OperatorCreationException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair keyPair() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] encoded(Certificate certificate) {
        try {
            return certificate.getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                        .encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    /** Written to a temporary file first, then moved into place, as cert-manager and certbot renew. */
    private static Path write(Path file, String content) {
        try {
            Path temporary = Files.createTempFile(file.getParent(), ".renew", ".pem");
            Files.writeString(temporary, content, StandardCharsets.US_ASCII);
            return Files.move(
                    temporary,
                    file,
                    java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
