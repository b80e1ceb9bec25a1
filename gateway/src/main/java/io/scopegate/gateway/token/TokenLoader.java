package io.scopegate.gateway.token;

import java.util.List;
import java.util.Map;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Where the cache loads a credential from on a miss: the store in production, a stub in tests and benchmarks. */
@FunctionalInterface
public interface TokenLoader {

    /** The credential by Basic username, {@link CachedToken#UNKNOWN} when none; errors when the store cannot answer. */
    Mono<CachedToken> load(String username);

    /**
     * Several credentials by Basic username, in as few store round trips as the loader can (the store
     * reader: one query per kind of name). A name the map leaves out counts as answered with nothing,
     * as an empty {@link #load}. By default one load per name.
     */
    default Mono<Map<String, CachedToken>> loadAll(List<String> usernames) {
        return Flux.fromIterable(usernames)
                .flatMap(username -> load(username).map(token -> Map.entry(username, token)))
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }
}
