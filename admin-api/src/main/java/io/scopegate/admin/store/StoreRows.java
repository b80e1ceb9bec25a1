package io.scopegate.admin.store;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Duration;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@code scopegate_store_rows{table}}: the rows of each table that grows with traffic or changes, so
 * an operator sees retention at work (or a table that keeps growing). PostgreSQL's own estimate
 * ({@code pg_class.reltuples}, kept by autovacuum), not a count: counting 400 days of usage every
 * minute would cost more than the purge; a table never analysed yet is counted. Exported by the
 * elected replica only, like the token findings.
 */
@Component
class StoreRows extends RepeatingWork {

    static final List<String> TABLES = List.of(
            "token_events",
            "audit_events",
            "token_usage_daily",
            "usage_batches",
            "gateway_instances",
            "token_denials_recent",
            "notification_outbox",
            "webhook_deliveries");
    private static final Duration INTERVAL = Duration.ofMinutes(1);

    private final DatabaseClient db;
    private final StoreLeader leader;
    private final MultiGauge rows;

    StoreRows(DatabaseClient db, StoreLeader leader, MeterRegistry registry) {
        this.db = db;
        this.leader = leader;
        this.rows = MultiGauge.builder("scopegate.store.rows")
                .description("Rows per table (PostgreSQL's estimate), on the elected admin API replica")
                .register(registry);
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(Duration.ofSeconds(5), INTERVAL);
    }

    @Override
    protected Mono<Void> runOnce() {
        if (!leader.isLeader()) {
            rows.register(List.of(), true);
            return Mono.empty();
        }
        return Flux.fromIterable(TABLES)
                .concatMap(this::rowsOf)
                .collectList()
                .doOnNext(counted -> rows.register(counted, true))
                .then()
                .timeout(Duration.ofSeconds(30));
    }

    private Mono<MultiGauge.Row<?>> rowsOf(String table) {
        // The table name is one of TABLES, never input.
        return db.sql("select reltuples::bigint from pg_class where oid = to_regclass(:table)")
                .bind("table", table)
                .map(row -> row.get(0, Long.class))
                .one()
                .flatMap(estimate -> estimate >= 0
                        ? Mono.just(estimate)
                        : db.sql("select count(*) from " + table)
                                .map(row -> row.get(0, Long.class))
                                .one())
                .map(count -> MultiGauge.Row.of(Tags.of("table", table), count));
    }
}
