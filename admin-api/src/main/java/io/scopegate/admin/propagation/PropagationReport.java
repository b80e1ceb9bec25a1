package io.scopegate.admin.propagation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Where a replica that does not confirm in time is reported, besides the call's own header:
 * {@code scopegate_propagation_wait_seconds} by outcome, {@code scopegate_propagation_unconfirmed_total}
 * (one per replica per call), and the {@code propagation} health details (which replicas missed the
 * bound lately, and when last). The status stays UP: a lagging gateway is not the admin API's fault,
 * and taking it out of its load balancer would only stop the revocations.
 */
@Component
class PropagationReport {

    /** How long a replica that missed the bound stays in the health details. */
    static final Duration REMEMBERED = Duration.ofMinutes(5);

    private final MeterRegistry registry;
    private final Counter unconfirmed;
    private final Clock clock;
    private final Map<String, Instant> lastMissed = new ConcurrentHashMap<>();

    PropagationReport(MeterRegistry registry, Clock clock) {
        this.registry = registry;
        this.clock = clock;
        this.unconfirmed = Counter.builder("scopegate.propagation.unconfirmed")
                .description("Live gateway replicas that had not confirmed a change when its call answered")
                .register(registry);
        for (String outcome : new String[] {"confirmed", "timeout", "unknown"}) {
            timer(outcome); // every series at 0, so alerts see the metric before the first change
        }
    }

    void waited(Propagation propagation) {
        String outcome = !propagation.known() ? "unknown" : propagation.timedOut() ? "timeout" : "confirmed";
        timer(outcome).record(propagation.waited());
        unconfirmed.increment(propagation.unconfirmed().size());
        Instant now = clock.instant();
        propagation.unconfirmed().forEach(instance -> lastMissed.put(instance, now));
    }

    private Timer timer(String outcome) {
        return Timer.builder("scopegate.propagation.wait")
                .description("From a change's commit until every live gateway replica confirmed it, or the bound")
                .tag("outcome", outcome)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofSeconds(2))
                .register(registry);
    }

    /** The replicas that missed the bound within {@link #REMEMBERED}, by id, with the last time. */
    Map<String, Instant> missedLately() {
        Instant forgetBefore = clock.instant().minus(REMEMBERED);
        lastMissed.values().removeIf(at -> at.isBefore(forgetBefore));
        return new TreeMap<>(lastMissed);
    }

    /** The {@code propagation} health component. */
    @Component("propagation")
    static class Indicator implements HealthIndicator {

        private final PropagationReport report;
        private final GatewayAcknowledgements acknowledgements;

        Indicator(PropagationReport report, GatewayAcknowledgements acknowledgements) {
            this.report = report;
            this.acknowledgements = acknowledgements;
        }

        @Override
        public Health health() {
            Map<String, Object> details = new LinkedHashMap<>();
            details.put("listening", acknowledgements.listening());
            details.put("missedTheBoundLately", report.missedLately());
            return Health.up().withDetails(details).build();
        }
    }
}
