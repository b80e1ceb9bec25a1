package io.scopegate.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.GatewaySettings;
import io.scopegate.store.credential.StoredCredential;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;

/** The cache's two promises: one load per miss, and no stale load outliving an invalidation. */
class TokenCacheTest {

    /** A store whose loads finish only when the test says so. */
    static class ControlledReader implements TokenLoader {
        final ConcurrentLinkedQueue<Sinks.One<CachedToken>> pending = new ConcurrentLinkedQueue<>();
        final AtomicInteger loads = new AtomicInteger();

        @Override
        public Mono<CachedToken> load(String username) {
            loads.incrementAndGet();
            Sinks.One<CachedToken> sink = Sinks.one();
            pending.add(sink);
            return sink.asMono();
        }
    }

    private static CachedToken.Scoped token(boolean enabled) {
        return new CachedToken.Scoped(
                "ST1", "AC1", 1, enabled, List.of(), StoredCredential.of(new byte[32]), null, null, null, null, null);
    }

    private final ControlledReader reader = new ControlledReader();
    private final TokenCache cache = new TokenCache(
            reader,
            new GatewaySettings(
                    0, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofMillis(250), 1000),
            new SimpleMeterRegistry());

    @Test
    void concurrentMissesShareOneLoad() {
        Mono<CachedToken> first = cache.get("ST1");
        Mono<CachedToken> second = cache.get("ST1");
        StepVerifier.create(Mono.zip(first, second))
                .then(() -> reader.pending.poll().tryEmitValue(token(true)))
                .assertNext(both -> assertThat(both.getT1()).isSameAs(both.getT2()))
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(reader.loads).hasValue(1);
    }

    @Test
    void aLoadThatWasInFlightWhenTheTokenWasRevokedIsNeverCached() {
        StepVerifier.create(cache.get("ST1"))
                .then(() -> {
                    // The token is disabled while the first load, which read the old row, is still running.
                    cache.invalidate("ST1");
                    reader.pending.poll().tryEmitValue(token(true));
                })
                .expectNextCount(1)
                .expectComplete()
                .verify(Duration.ofSeconds(5));

        StepVerifier.create(cache.get("ST1"))
                .then(() -> reader.pending.poll().tryEmitValue(token(false)))
                .assertNext(reloaded ->
                        assertThat(((CachedToken.Scoped) reloaded).enabled()).isFalse())
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        assertThat(reader.loads).hasValue(2);
    }

    @Test
    void aFailedLoadIsNotCached() {
        StepVerifier.create(cache.get("ST1"))
                .then(() -> reader.pending.poll().tryEmitError(new IllegalStateException("store down")))
                .expectError(IllegalStateException.class)
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(cache.get("ST1"))
                .then(() -> reader.pending.poll().tryEmitValue(CachedToken.UNKNOWN))
                .expectNext(CachedToken.UNKNOWN)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    /** What holds on to a decision made from an entry (an open WebSocket tunnel) hears of every change. */
    @Test
    void listenersHearOfEveryReloadAndInvalidationAfterTheEntryWasDropped() {
        List<String> heard = new java.util.ArrayList<>();
        cache.addListener(new TokenCache.ChangeListener() {
            @Override
            public void changed(String username) {
                // By now a get() gives the new state: the old entry is gone.
                assertThat(cache.loaded(username)).isNull();
                heard.add(username);
            }

            @Override
            public void changedAll() {
                heard.add("*");
            }
        });
        cache.reload("ST1");
        cache.invalidate("ST2");
        cache.invalidateAll();
        assertThat(heard).containsExactly("ST1", "ST2", "*");
    }
}
