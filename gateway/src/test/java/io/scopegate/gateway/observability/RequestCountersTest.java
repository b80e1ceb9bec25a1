package io.scopegate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RequestCountersTest {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final RequestCounters counters = new RequestCounters(registry);

    @Test
    void eachSeriesCountsItsOwnRequestsAndIsScrapedUnderTheContractName() throws Exception {
        RequestCounters.Key allowed = new RequestCounters.Key("AC1", "ST1", "campaigns", "GET", "allowed");
        RequestCounters.Key refused = new RequestCounters.Key("AC1", "ST1", "campaigns", "POST", "out_of_scope");
        counters.increment(allowed);
        counters.increment(allowed);
        counters.increment(refused);

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), null);
        assertThat(out.toString(StandardCharsets.UTF_8))
                .contains("# TYPE scopegate_requests_total counter")
                .contains(
                        "scopegate_requests_total{account=\"AC1\",api=\"campaigns\",method=\"GET\",outcome=\"allowed\",token=\"ST1\"} 2.0")
                .contains(
                        "scopegate_requests_total{account=\"AC1\",api=\"campaigns\",method=\"POST\",outcome=\"out_of_scope\",token=\"ST1\"} 1.0");
    }

    /** The client sorts every snapshot; handing it sorted series is what keeps a large scrape cheap. */
    @Test
    void seriesAreCollectedInTheOrderThePrometheusClientSortsThem() {
        Random random = new Random(42);
        String[] outcomes = {"allowed", "out_of_scope", "disabled"};
        for (int i = 0; i < 2_000; i++) {
            counters.increment(new RequestCounters.Key(
                    "AC" + random.nextInt(50),
                    "ST" + random.nextInt(1_000),
                    "api" + random.nextInt(5),
                    random.nextBoolean() ? "GET" : "POST",
                    outcomes[random.nextInt(outcomes.length)]));
        }
        List<CounterDataPointSnapshot> points = ((CounterSnapshot) counters.collect()).getDataPoints();
        assertThat(points).hasSizeGreaterThan(1_000);
        for (int i = 1; i < points.size(); i++) {
            Labels previous = points.get(i - 1).getLabels();
            assertThat(previous.compareTo(points.get(i).getLabels()))
                    .as("series %d and %d", i - 1, i)
                    .isNegative();
        }
    }
}
