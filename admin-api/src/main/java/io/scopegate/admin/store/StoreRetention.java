package io.scopegate.admin.store;

import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps the tables that grow with traffic and changes to {@link RetentionSettings}: token events once
 * every gateway replica heard from lately has applied them (never the newest, so a replica that comes
 * back after a long absence sees that it missed some and starts afresh), the audit log, daily usage, the
 * ids of counted usage batches and replicas silent for longer than the events' retention. One replica
 * purges (the elected one), {@code batch-size} rows per statement, each its own short transaction on
 * old rows no request touches: the request path never waits for it.
 */
@Component
class StoreRetention extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(StoreRetention.class);
    /** A purge that takes longer is cut off and resumed at the next run. */
    private static final Duration RUN_LIMIT = Duration.ofMinutes(10);

    private final DatabaseClient db;
    private final StoreLeader leader;
    private final RetentionSettings settings;
    private final Clock clock;

    StoreRetention(DatabaseClient db, StoreLeader leader, RetentionSettings settings, Clock clock) {
        this.db = db;
        this.leader = leader;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(Duration.ofMinutes(1), settings.interval());
    }

    @Override
    protected Mono<Void> runOnce() {
        return leader.isLeader() ? purge().then().timeout(RUN_LIMIT) : Mono.empty();
    }

    /** Emits the rows deleted from all tables. */
    Mono<Long> purge() {
        Instant now = clock.instant();
        Instant eventsBefore = now.minus(settings.tokenEvents());
        return tokenEvents(eventsBefore)
                .concatWith(inBatches(
                        "audit_events",
                        "delete from audit_events where id in "
                                + "(select id from audit_events where at < :before order by at limit :batch)",
                        now.minus(settings.audit())))
                .concatWith(inBatches(
                        "token_usage_daily",
                        "delete from token_usage_daily where ctid in "
                                + "(select ctid from token_usage_daily where day < :before limit :batch)",
                        LocalDate.ofInstant(now.minus(settings.usage()), ZoneOffset.UTC)))
                .concatWith(inBatches(
                        "usage_batches",
                        "delete from usage_batches where batch_id in "
                                + "(select batch_id from usage_batches where written_at < :before limit :batch)",
                        now.minus(settings.usageBatches())))
                .concatWith(db.sql("delete from gateway_instances where seen_at < :before")
                        .bind("before", eventsBefore)
                        .fetch()
                        .rowsUpdated())
                .reduce(0L, Long::sum);
    }

    /**
     * Events up to the horizon: the newest event older than the retention, but below the cursor of
     * every replica seen within the retention, and never the newest event of all.
     */
    private Mono<Long> tokenEvents(Instant before) {
        return db.sql("""
                        select (select max(id) from token_events where at < :before) as old_enough,
                               (select min(applied_event_id) from gateway_instances where seen_at >= :before) as applied,
                               (select max(id) from token_events) as newest
                        """)
                .bind("before", before)
                .map(row -> horizon(
                        Optional.ofNullable(row.get("old_enough", Long.class)),
                        Optional.ofNullable(row.get("applied", Long.class)),
                        Optional.ofNullable(row.get("newest", Long.class))))
                .one()
                .flatMap(horizon -> horizon.map(id -> inBatches(
                                "token_events",
                                "delete from token_events where id in (select id from token_events"
                                        + " where id <= :before order by id limit :batch)",
                                id))
                        .orElse(Mono.just(0L)));
    }

    static Optional<Long> horizon(Optional<Long> oldEnough, Optional<Long> applied, Optional<Long> newest) {
        if (oldEnough.isEmpty() || newest.isEmpty()) {
            return Optional.empty();
        }
        long horizon = Math.min(oldEnough.get(), newest.get() - 1);
        if (applied.isPresent()) {
            // Below every live replica's cursor: the event at a cursor stays, so a replica that has
            // not applied the next one yet still finds its own and never mistakes a gap for a purge.
            horizon = Math.min(horizon, applied.get() - 1);
        }
        return Optional.of(horizon);
    }

    /** Deletes {@code batch-size} rows at a time until none is left; emits how many. */
    private Mono<Long> inBatches(String table, String delete, Object before) {
        Mono<Long> batch = db.sql(delete)
                .bind("before", before)
                .bind("batch", settings.batchSize())
                .fetch()
                .rowsUpdated();
        return batch.expand(deleted -> deleted == settings.batchSize() ? batch : Mono.empty())
                .reduce(0L, Long::sum)
                .doOnNext(deleted -> {
                    if (deleted > 0) {
                        log.info("retention: deleted {} rows of {}", deleted, table);
                    }
                });
    }
}
