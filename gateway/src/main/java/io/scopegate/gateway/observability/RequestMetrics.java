package io.scopegate.gateway.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.stereotype.Component;

/**
 * Counts every request by (account, token, API, method, outcome) and times it by (API, outcome),
 * upstream time included: refusals and unroutable paths too. Tag values are bounded (see
 * {@link CompletedRequest}); per-token series are capped by {@link TokenSeriesLimit}.
 */
@Component
public class RequestMetrics {

    private record TimerKey(String api, String outcome) {}

    private final MeterRegistry registry;
    private final RequestCounters counters;
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final TokenSeriesLimit seriesLimit;

    RequestMetrics(MeterRegistry registry, RequestCounters counters, TokenSeriesLimit seriesLimit) {
        this.registry = registry;
        this.counters = counters;
        this.seriesLimit = seriesLimit;
    }

    public void record(CompletedRequest request) {
        String token = request.identified() ? seriesLimit.tokenTag(request.tokenId()) : CompletedRequest.NONE;
        String account = TokenSeriesLimit.OVERFLOW.equals(token) ? TokenSeriesLimit.OVERFLOW : request.accountSid();
        counters.increment(new RequestCounters.Key(account, token, request.api(), request.method(), request.outcome()));
        timers.computeIfAbsent(new TimerKey(request.api(), request.outcome()), this::timer)
                .record(request.nanos(), TimeUnit.NANOSECONDS);
    }

    private Timer timer(TimerKey key) {
        return Timer.builder("scopegate.request.duration")
                .description("Time in the gateway, upstream included")
                .tag("api", key.api())
                .tag("outcome", key.outcome())
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(60))
                .register(registry);
    }
}
