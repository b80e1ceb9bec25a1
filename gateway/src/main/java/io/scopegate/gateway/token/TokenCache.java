package io.scopegate.gateway.token;

import com.github.benmanes.caffeine.cache.AsyncLoadingCache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.gateway.GatewaySettings;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Credentials by Basic username, in memory. A miss loads once from the store and concurrent misses
 * for one name share that load (Caffeine's async cache keeps the in-flight future); misses for
 * different names made while the store is busy share one query ({@link BatchedLoads}), so a cold
 * replica taking traffic for thousands of tokens does not send the store a query per token. Entries do not
 * expire by time: they are dropped when the store says they changed (see revocation). Invalidating
 * a name while its load is in flight removes that future, so a load that read the old row can
 * never put it back into the cache. Whatever holds on to a decision made from an entry (an open
 * WebSocket tunnel) hears of each such change through a {@link ChangeListener}.
 */
@Component
public class TokenCache {

    /**
     * Told, after the fact, that the store changed a name's credential and its entry was dropped or
     * reloaded: a {@link #get} from now on gives the new state. Called on the thread that applied the
     * change; it must not block.
     */
    public interface ChangeListener {

        void changed(String username);

        /** Every entry was dropped. */
        void changedAll();
    }

    /**
     * Token queries one replica runs at once: the pool's other connections stay free for the event
     * poll and usage writes, and N replicas starting together put at most 2N such queries on the store.
     */
    static final int MAX_QUERIES_IN_FLIGHT = 2;

    /** SIDs per query: one index scan each, a few hundred rows at most, well inside the store timeout. */
    static final int MAX_NAMES_PER_QUERY = 250;

    /** Misses waiting for a query before new ones fail as unavailable (about 40 full queries' worth). */
    static final int MAX_NAMES_WAITING = 10_000;

    private final AsyncLoadingCache<String, CachedToken> cache;
    private final List<ChangeListener> listeners = new CopyOnWriteArrayList<>();

    public TokenCache(TokenLoader reader, GatewaySettings settings, MeterRegistry registry) {
        BatchedLoads loads = new BatchedLoads(
                reader, settings.storeTimeout(), MAX_QUERIES_IN_FLIGHT, MAX_NAMES_PER_QUERY, MAX_NAMES_WAITING);
        this.cache = Caffeine.newBuilder()
                .maximumSize(settings.cacheMaximumSize())
                .recordStats()
                .buildAsync((username, executor) -> loads.load(username));
        Gauge.builder("scopegate.token.cache.size", cache, c -> c.synchronous().estimatedSize())
                .description("Credentials held in the gateway's memory")
                .register(registry);
        FunctionCounter.builder(
                        "scopegate.token.cache.hits",
                        cache,
                        c -> c.synchronous().stats().hitCount())
                .register(registry);
        // Loads, not Caffeine's miss count: a miss is looked up twice (loaded() then get()).
        FunctionCounter.builder(
                        "scopegate.token.cache.misses",
                        cache,
                        c -> c.synchronous().stats().loadCount())
                .register(registry);
        // Several misses share a batch: loads per second bounded by batches per second, which this shows.
        FunctionCounter.builder("scopegate.token.cache.batches", loads, BatchedLoads::batches)
                .description("Batched store lookups the cache's misses were sent in")
                .register(registry);
        FunctionCounter.builder(
                        "scopegate.token.cache.evictions",
                        cache,
                        c -> c.synchronous().stats().evictionCount())
                .register(registry);
    }

    /** The cached credential, or one load from the store; errors when the store cannot answer. */
    public Mono<CachedToken> get(String username) {
        return Mono.fromFuture(() -> cache.get(username), true);
    }

    /**
     * The cached credential when it is already in memory, without going through a publisher; null
     * when it must be loaded (absent, still loading, or its load failed). The request path tries
     * this first, so the common case stays synchronous.
     */
    public CachedToken loaded(String username) {
        CompletableFuture<CachedToken> entry = cache.getIfPresent(username);
        return entry != null && entry.isDone() && !entry.isCompletedExceptionally() ? entry.getNow(null) : null;
    }

    /**
     * Whether a load of this name is under way: a request for it now joins that load and costs the
     * store nothing more. The failed-authentication throttle reserves budget only for new lookups.
     */
    public boolean loading(String username) {
        CompletableFuture<CachedToken> entry = cache.getIfPresent(username);
        return entry != null && !entry.isDone();
    }

    /**
     * Drops the entry and starts loading its current state at once, off any request's path: a
     * request that arrives meanwhile joins that load, one that comes later finds the new state in
     * memory. For a change the store has already committed (see revocation).
     */
    public void reload(String username) {
        cache.synchronous().invalidate(username);
        cache.get(username);
        listeners.forEach(listener -> listener.changed(username));
    }

    public void invalidate(String username) {
        cache.synchronous().invalidate(username);
        listeners.forEach(listener -> listener.changed(username));
    }

    public void invalidateAll() {
        cache.synchronous().invalidateAll();
        listeners.forEach(ChangeListener::changedAll);
    }

    public void addListener(ChangeListener listener) {
        listeners.add(listener);
    }

    public long size() {
        return cache.synchronous().estimatedSize();
    }
}
