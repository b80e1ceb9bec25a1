package io.scopegate.gateway.auth;

/**
 * The benchmarks' only way into this package (they live in {@code io.scopegate.bench.jmh}):
 * {@code BasicCredentials} is package-private. Nothing else belongs in this class; delete it once the
 * product offers a public way to parse a Basic header.
 */
public final class BenchAccess {

    private BenchAccess() {
    }

    /** The secret of an {@code Authorization: Basic} header as the gateway parses it; null when malformed. */
    public static String basicSecret(String header) {
        BasicCredentials credentials = BasicCredentials.parse(header);
        return credentials == null ? null : credentials.secret();
    }
}
