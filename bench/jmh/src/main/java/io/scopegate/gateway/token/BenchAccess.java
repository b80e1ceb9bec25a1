package io.scopegate.gateway.token;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.gateway.GatewaySettings;
import java.util.function.Function;
import reactor.core.publisher.Mono;

/**
 * The benchmarks' only way into this package (they live in {@code io.scopegate.bench.jmh}): a
 * {@link TokenCache} can only be built here, as its constructor and its store, {@code TokenStoreReader},
 * are package-private. Nothing else belongs in this class; delete it once the product offers a public
 * way to build a TokenCache over a given store.
 */
public final class BenchAccess {

    private BenchAccess() {
    }

    /** A cache over a store that answers at once with {@code store}'s token, so only the cache is measured. */
    public static TokenCache cache(Function<String, CachedToken> store, GatewaySettings settings, MeterRegistry registry) {
        TokenStoreReader reader = new TokenStoreReader(null) {
            @Override
            Mono<CachedToken> load(String username) {
                return Mono.just(store.apply(username));
            }
        };
        return new TokenCache(reader, settings, registry);
    }
}
