package io.scopegate.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.TokenCache;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.Scope;
import java.time.Duration;
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
import reactor.core.publisher.Mono;

/**
 * A cache hit for one of 1,000 warm tokens: {@code loaded} is what the gateway's request path calls
 * (synchronous); {@code hit} goes through the reactive API, which it uses only on a miss.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CacheBenchmark {

    static final int TOKENS = 1_000;

    private TokenCache cache;
    private String[] sids;
    private int next;

    @Setup
    public void setUp() {
        // A store that answers at once, so only the cache is measured.
        cache = new TokenCache(
                username -> Mono.just(new CachedToken.Scoped(
                        username,
                        "AC1",
                        1,
                        true,
                        List.of(new Scope("api", Set.of("GET"))),
                        StoredCredential.of(new byte[32]),
                        null,
                        null,
                        null,
                        null,
                        null)),
                new GatewaySettings(
                        0, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMillis(250), 100_000),
                new SimpleMeterRegistry());
        sids = new String[TOKENS];
        for (int i = 0; i < TOKENS; i++) {
            sids[i] = String.format("ST%032x", i);
            cache.get(sids[i]).block();
        }
    }

    @Benchmark
    public CachedToken loaded() {
        next = (next + 1) % TOKENS;
        return cache.loaded(sids[next]);
    }

    @Benchmark
    public CachedToken hit() {
        next = (next + 1) % TOKENS;
        return cache.get(sids[next]).block();
    }
}
