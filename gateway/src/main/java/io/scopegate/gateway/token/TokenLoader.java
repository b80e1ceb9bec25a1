package io.scopegate.gateway.token;

import reactor.core.publisher.Mono;

/** Where the cache loads a credential from on a miss: the store in production, a stub in tests and benchmarks. */
@FunctionalInterface
public interface TokenLoader {

    /** The credential by Basic username, {@link CachedToken#UNKNOWN} when none; errors when the store cannot answer. */
    Mono<CachedToken> load(String username);
}
