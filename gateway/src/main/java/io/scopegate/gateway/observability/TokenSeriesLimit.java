package io.scopegate.gateway.observability;

import jakarta.validation.constraints.Min;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.stereotype.Component;
import org.springframework.validation.annotation.Validated;

/**
 * Bounds the per-token series: the first {@code scopegate.metrics.max-token-series} tokens seen get
 * series of their own; requests of any token beyond that are counted under {@code token="_overflow"},
 * {@code account="_overflow"}, so nothing goes uncounted and Prometheus stays bounded. Micrometer's
 * {@code MeterFilter.maximumAllowableTags} can only deny meters past the cap, not fold them into one.
 * Cost: about (APIs used × methods × outcomes) series per token; see docs/operations.md (Cardinality).
 * A token the store deleted gives its place back ({@link DeletedTokenSeries}), so token churn does
 * not use the cap up.
 */
@Component
class TokenSeriesLimit {

    static final String OVERFLOW = "_overflow";

    @Validated
    @ConfigurationProperties("scopegate.metrics")
    record Settings(@DefaultValue("10000") @Min(0) int maxTokenSeries) {}

    private final int max;
    private final Set<String> admitted = ConcurrentHashMap.newKeySet();

    TokenSeriesLimit(Settings settings) {
        this.max = settings.maxTokenSeries();
    }

    /** The token's own id while there is room, else the overflow value. */
    String tokenTag(String token) {
        if (admitted.contains(token)) {
            return token;
        }
        if (admitted.size() < max) {
            admitted.add(token);
            return token;
        }
        return OVERFLOW;
    }

    /** Whether this token has series of its own. */
    boolean admitted(String token) {
        return admitted.contains(token);
    }

    /** The token has no series any more: its place goes to the next new token. */
    void forget(String token) {
        admitted.remove(token);
    }
}
