package io.scopegate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.TestTokens;
import io.scopegate.gateway.token.TokenCache;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.LegacyKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** A deleted token leaves the scrape (and the series cap) once the store says it is gone. */
class DeletedTokenSeriesTest {

    private static final String DELETED = "ST" + "1".repeat(32);
    private static final String DISABLED = "ST" + "2".repeat(32);
    private static final String ACCOUNT = "ACLEGACY";

    /** What the store holds now; the test changes it as the admin API would. */
    private final Map<String, CachedToken> store = new ConcurrentHashMap<>(Map.of(
            DELETED, TestTokens.scoped(DELETED, new byte[32], true, null),
            DISABLED, TestTokens.scoped(DISABLED, new byte[32], true, null),
            ACCOUNT, legacy(LegacyKind.READ_WRITE, LegacyKind.READ_ONLY)));

    private final TokenCache cache = TestTokens.cache(name -> Mono.just(store.getOrDefault(name, CachedToken.UNKNOWN)));
    private final PrometheusRegistry prometheus = new PrometheusRegistry();
    private final RequestCounters counters = new RequestCounters(prometheus);
    private final TokenSeriesLimit seriesLimit = new TokenSeriesLimit(new TokenSeriesLimit.Settings(2));
    private final RequestMetrics metrics = new RequestMetrics(new SimpleMeterRegistry(), counters, seriesLimit);

    DeletedTokenSeriesTest() {
        new DeletedTokenSeries(cache, seriesLimit, counters);
    }

    private static CachedToken legacy(LegacyKind... kinds) {
        Map<LegacyKind, CachedToken.LegacyCredential> credentials = new java.util.EnumMap<>(LegacyKind.class);
        for (LegacyKind kind : kinds) {
            credentials.put(kind, new CachedToken.LegacyCredential(kind, true, 1, StoredCredential.of(new byte[32])));
        }
        return new CachedToken.Legacy(ACCOUNT, Map.copyOf(credentials));
    }

    private void request(String account, String token) {
        metrics.record(new CompletedRequest(account, token, "campaigns", "GET", "allowed", 200, 1_000, "/c", "r"));
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, prometheus.scrape(), null);
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aDeletedTokensSeriesLeaveTheScrapeAndItsPlaceGoesToTheNextToken() throws IOException {
        cache.get(DELETED).block(Duration.ofSeconds(5));
        request("AC1", DELETED);
        request("AC1", DISABLED);
        assertThat(scrape()).contains("token=\"" + DELETED + "\"");

        store.remove(DELETED);
        store.put(DISABLED, TestTokens.scoped(DISABLED, new byte[32], false, null));
        cache.reload(DELETED);
        cache.reload(DISABLED);

        assertThat(scrape())
                .doesNotContain(DELETED)
                .as("a disabled token still exists")
                .contains("token=\"" + DISABLED + "\"");
        // The cap is 2: the deleted token's place is free again, so a new token gets series of its own.
        String next = "ST" + "3".repeat(32);
        request("AC1", next);
        assertThat(scrape()).contains("token=\"" + next + "\"").doesNotContain(TokenSeriesLimit.OVERFLOW);
    }

    @Test
    void aDeletedLegacyTokenLeavesTheScrapeWhileTheOtherOneStays() throws IOException {
        String readWrite = LegacyKind.READ_WRITE.usageKey(ACCOUNT);
        String readOnly = LegacyKind.READ_ONLY.usageKey(ACCOUNT);
        request(ACCOUNT, readWrite);
        request(ACCOUNT, readOnly);

        store.put(ACCOUNT, legacy(LegacyKind.READ_ONLY));
        cache.invalidate(ACCOUNT);

        assertThat(scrape()).doesNotContain("token=\"" + readWrite + "\"").contains("token=\"" + readOnly + "\"");
    }

    @Test
    void tokensThatNeverCountedARequestCostTheStoreNothingWhenTheyChange() {
        int[] loads = {0};
        TokenCache counted = TestTokens.cache(name -> {
            loads[0]++;
            return Mono.just(CachedToken.UNKNOWN);
        });
        new DeletedTokenSeries(counted, seriesLimit, counters);

        counted.invalidate(DELETED);

        assertThat(loads[0]).isZero();
    }
}
