package io.scopegate.gateway.observability;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scopegate.gateway.auth.Caller;
import io.scopegate.gateway.catalog.ApiCatalog;
import io.scopegate.gateway.usage.UsageRecorder;
import io.scopegate.store.scope.Scope;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.SignalType;

/**
 * Counts every request by (account, token, API, method, outcome) and times it by (API, outcome),
 * upstream time included, and hands requests of identified tokens to the usage recorder. The entry
 * filter calls it for every request, refusals and unroutable paths too. Tag values come from the
 * store (SIDs, API ids) or fixed lists (methods, outcomes), never from raw client input.
 */
@Component
public class RequestMetrics {

    static final String NONE = "none";

    private record TimerKey(String api, String outcome) {
    }

    private final MeterRegistry registry;
    private final RequestCounters counters;
    private final ConcurrentHashMap<TimerKey, Timer> timers = new ConcurrentHashMap<>();
    private final TokenSeriesLimit seriesLimit;
    private final UsageRecorder usage;

    RequestMetrics(MeterRegistry registry, RequestCounters counters, TokenSeriesLimit seriesLimit, UsageRecorder usage) {
        this.registry = registry;
        this.counters = counters;
        this.seriesLimit = seriesLimit;
        this.usage = usage;
    }

    /** Counts and times one finished request; {@code signal} tells a cancelled one from a failed one. */
    public void record(ServerWebExchange exchange, SignalType signal, long nanos) {
        String outcome = Outcome.of(exchange);
        if (outcome == null) {
            outcome = signal == SignalType.CANCEL ? Outcome.CANCELLED : Outcome.ERROR;
        }
        Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String api = route == null ? NONE : (String) route.getMetadata().getOrDefault(ApiCatalog.API_ID, NONE);
        String requestMethod = exchange.getRequest().getMethod().name();
        String method = Scope.KNOWN_METHODS.contains(requestMethod) ? requestMethod : "OTHER";
        String token = caller == null ? NONE : seriesLimit.tokenTag(caller);
        if (caller != null) {
            usage.record(caller, api, method, outcome);
        }
        String account = caller == null ? NONE : seriesLimit.accountTag(caller, token);
        counters.increment(new RequestCounters.Key(account, token, api, method, outcome));
        timers.computeIfAbsent(new TimerKey(api, outcome), this::timer).record(nanos, TimeUnit.NANOSECONDS);
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
