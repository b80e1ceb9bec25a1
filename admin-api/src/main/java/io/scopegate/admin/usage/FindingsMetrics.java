package io.scopegate.admin.usage;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

/**
 * The token report as Prometheus series, for dashboards and alerts: {@code scopegate_token_findings
 * {account,token,kind} 1} for each finding of each enabled token, and {@code scopegate_tokens_active
 * {account}}. Recomputed every {@code scopegate.report.metrics-interval} with the same code as the
 * token-report endpoint; series count is bounded by enabled tokens (20 per account) times finding kinds.
 * Only the elected replica exports them (see SchedulerLeadership); the others export none.
 */
@Component
class FindingsMetrics extends RepeatingWork {

    private static final int DAYS = 30;

    private final TokenReports reports;
    private final StoreLeader leader;
    private final DatabaseClient db;
    private final Duration interval;
    private final MultiGauge findings;
    private final MultiGauge active;

    FindingsMetrics(
            TokenReports reports,
            DatabaseClient db,
            MeterRegistry registry,
            ReportSettings settings,
            StoreLeader leader) {
        this.reports = reports;
        this.leader = leader;
        this.db = db;
        this.interval = settings.metricsInterval();
        this.findings = MultiGauge.builder("scopegate.token.findings")
                .description("1 for each finding of each enabled token (see the token report)")
                .register(registry);
        this.active = MultiGauge.builder("scopegate.tokens.active")
                .description("Active scoped tokens per account (enabled, not expired)")
                .register(registry);
    }

    Mono<Void> refresh() {
        if (!leader.isLeader()) {
            // Another replica exports them: series from two replicas would count every finding twice.
            publish(List.of());
            return Mono.empty();
        }
        return db.sql("select sid from accounts")
                .map(row -> row.get(0, String.class))
                .all()
                .concatMap(account -> reports.report(account, DAYS).map(report -> Tuples.of(account, report)))
                .collectList()
                .doOnNext(this::publish)
                .then();
    }

    private void publish(List<Tuple2<String, TokenReports.TokenReport>> accountReports) {
        List<MultiGauge.Row<?>> findingRows = new ArrayList<>();
        List<MultiGauge.Row<?>> activeRows = new ArrayList<>();
        for (Tuple2<String, TokenReports.TokenReport> pair : accountReports) {
            String account = pair.getT1();
            TokenReports.TokenReport report = pair.getT2();
            activeRows.add(MultiGauge.Row.of(Tags.of("account", account), report.activeTokens()));
            report.tokens().stream()
                    .filter(token -> token.state().enabled())
                    .forEach(token -> token.findings()
                            .forEach(finding -> findingRows.add(MultiGauge.Row.of(
                                    Tags.of("account", account, "token", token.metricsLabel(), "kind", finding.kind()),
                                    1))));
        }
        findings.register(findingRows, true);
        active.register(activeRows, true);
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(Duration.ofSeconds(1), interval);
    }

    @Override
    protected Mono<Void> runOnce() {
        return refresh().timeout(interval);
    }
}
