package io.scopegate.bench.jmh;

import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.scopegate.gateway.observability.RequestCounters;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A Prometheus scrape of a gateway whose registry holds 10,000 tokens with traffic: per token two
 * request series (allowed, out_of_scope) plus the duration histogram per API. {@code scrape} holds
 * the request series as the gateway does ({@link RequestCounters}); {@code scrapeMicrometerCounters}
 * as it did before, one Micrometer counter per series, for comparison. Prints each scrape's size once.
 */
@State(org.openjdk.jmh.annotations.Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScrapeBenchmark {

    @Param("10000")
    public int tokens;

    private PrometheusMeterRegistry registry;
    private PrometheusMeterRegistry micrometerCounters;

    @Setup
    public void setUp() {
        registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
        micrometerCounters =
                new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM);
        RequestCounters counters = new RequestCounters(registry.getPrometheusRegistry());
        for (int i = 0; i < tokens; i++) {
            String token = String.format("ST%032x", i);
            String account = "AC" + (i / 20);
            for (String outcome : new String[] {"allowed", "out_of_scope"}) {
                RequestCounters.Key key = new RequestCounters.Key(account, token, "api-" + (i % 10), "GET", outcome);
                for (int n = 0; n < i % 7 + 1; n++) {
                    counters.increment(key);
                }
                Counter.builder("scopegate.requests")
                        .tag("account", account)
                        .tag("token", token)
                        .tag("api", "api-" + (i % 10))
                        .tag("method", "GET")
                        .tag("outcome", outcome)
                        .register(micrometerCounters)
                        .increment(i % 7 + 1);
            }
        }
        for (PrometheusMeterRegistry one : new PrometheusMeterRegistry[] {registry, micrometerCounters}) {
            for (int api = 0; api < 10; api++) {
                Timer.builder("scopegate.request.duration")
                        .tag("api", "api-" + api)
                        .tag("outcome", "allowed")
                        .publishPercentileHistogram()
                        .maximumExpectedValue(Duration.ofSeconds(60))
                        .register(one)
                        .record(Duration.ofMillis(3));
            }
            String scrape = one.scrape();
            System.out.printf(
                    "%nscrape of %d tokens: %d bytes, %d lines%n",
                    tokens, scrape.length(), scrape.lines().count());
        }
    }

    @Benchmark
    public String scrape() {
        return registry.scrape();
    }

    @Benchmark
    public String scrapeMicrometerCounters() {
        return micrometerCounters.scrape();
    }
}
