package io.scopegate.gateway.observability;

import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricMetadata;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.LongAdder;
import org.springframework.stereotype.Component;

/**
 * {@code scopegate_requests_total}: one counter per (account, token, API, method, outcome), collected
 * straight into the Prometheus registry the actuator endpoint scrapes. Not a Micrometer counter per
 * series: with 10,000 tokens Micrometer rebuilt and re-validated every series' name and tags on each
 * scrape, twice the scrape budget (bench/RESULTS.md). Here a series' labels are built once, when it
 * first counts, and a scrape only reads the adders. The series are also kept in the order the
 * Prometheus client sorts data points in (label names alphabetically, then their values): it sorts
 * every snapshot, and sorting 20,000 series from hash order was the larger half of a scrape.
 */
@Component
public class RequestCounters implements Collector {

    static final String NAME = "scopegate_requests";
    private static final MetricMetadata METADATA =
            new MetricMetadata(NAME, "Requests through the gateway by token, API, method and outcome");
    private static final String[] LABEL_NAMES = {"account", "token", "api", "method", "outcome"};

    /** The labels of one series, in a fixed order; the map key. */
    public record Key(String account, String token, String api, String method, String outcome) {}

    private record Series(Labels labels, LongAdder count) {}

    /** Label names in alphabetical order, as {@link Labels} keeps them; values compared in that order. */
    private static final Comparator<Key> LABEL_ORDER = Comparator.comparing(Key::account)
            .thenComparing(Key::api)
            .thenComparing(Key::method)
            .thenComparing(Key::outcome)
            .thenComparing(Key::token);

    /** For counting (a hash lookup per request)... */
    private final ConcurrentHashMap<Key, Series> series = new ConcurrentHashMap<>();
    /** ...and the same series in label order, for scraping; a series is added to both when first seen. */
    private final ConcurrentSkipListMap<Key, Series> inLabelOrder = new ConcurrentSkipListMap<>(LABEL_ORDER);

    public RequestCounters(PrometheusRegistry registry) {
        registry.register(this);
    }

    public void increment(Key key) {
        Series counted = series.get(key);
        if (counted == null) {
            counted = series.computeIfAbsent(key, this::newSeries);
        }
        counted.count().increment();
    }

    private Series newSeries(Key key) {
        Series created = new Series(
                Labels.of(
                        LABEL_NAMES, new String[] {key.account(), key.token(), key.api(), key.method(), key.outcome()}),
                new LongAdder());
        inLabelOrder.put(key, created);
        return created;
    }

    /**
     * Drops every series of this token (the next scrape no longer shows it). A walk over all series:
     * deletions are rare next to requests, and an index by token would cost every series memory.
     */
    void forgetToken(String token) {
        series.keySet().removeIf(key -> key.token().equals(token));
        inLabelOrder.keySet().removeIf(key -> key.token().equals(token));
    }

    @Override
    public MetricSnapshot collect() {
        List<CounterDataPointSnapshot> points = new ArrayList<>(series.size());
        for (Series one : inLabelOrder.values()) {
            points.add(new CounterDataPointSnapshot(one.count().sum(), one.labels(), null, 0L));
        }
        return new CounterSnapshot(METADATA, points);
    }

    @Override
    public String getPrometheusName() {
        return NAME;
    }
}
