package io.scopegate.bench.jmh;

import io.scopegate.gateway.auth.BasicCredentials;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.credential.KeyedHasher;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.Scope;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/** The per-request pieces of authentication and authorisation, one at a time. */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HotPathBenchmark {

    private String header;
    private String secret;
    private String wrongSecret;
    private KeyedHasher hasher;
    private StoredCredential stored;
    private List<Scope> scopes;
    private final Instant now = Instant.now();

    @Setup
    public void setUp() {
        CredentialFormat format = new CredentialFormat(new SecureRandom());
        secret = format.generate(CredentialFormat.Kind.SCOPED).value();
        wrongSecret = format.generate(CredentialFormat.Kind.SCOPED).value();
        header = "Basic "
                + Base64.getEncoder()
                        .encodeToString(
                                ("ST0123456789abcdef0123456789abcdef:" + secret).getBytes(StandardCharsets.UTF_8));
        hasher = new KeyedHasher(new byte[32]);
        stored = StoredCredential.of(hasher.hash(secret));
        scopes = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            scopes.add(new Scope("api-" + i, Set.of("GET", "POST")));
        }
    }

    /** Header to username and secret, then the checksum that rejects mangled secrets without a lookup. */
    @Benchmark
    public boolean parseBasicAndChecksum() {
        BasicCredentials credentials = BasicCredentials.parse(header);
        return credentials != null && CredentialFormat.isWellFormed(credentials.secret());
    }

    /** HMAC-SHA-256 of the presented secret and the constant-time comparison. */
    @Benchmark
    public boolean verifyKeyedHash() {
        return stored.accepts(hasher, secret, now);
    }

    @Benchmark
    public boolean verifyWrongSecret() {
        return stored.accepts(hasher, wrongSecret, now);
    }

    /** Worst case: the last of ten scopes. */
    @Benchmark
    public boolean scopeMatch() {
        return Scope.anyPermits(scopes, "api-9", "POST");
    }
}
