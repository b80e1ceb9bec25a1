package io.scopegate.admin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.admin.AdminApiTest;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The store keeps what grows to its retention (issue 15): old audit records, usage rows, counted
 * batch ids and silent replicas go; token events go only once every live replica has applied them, and
 * the newest stays; {@code scopegate_store_rows} shows the tables' sizes.
 */
class StoreRetentionTest extends AdminApiTest {

    @Autowired
    StoreRetention retention;

    @Autowired
    MeterRegistry registry;

    @Test
    void rowsOlderThanTheirRetentionArePurgedAndRecentOnesKept() {
        Instant now = clock.instant();
        String account = unique("AC");
        long oldAudit = audit(account, now.minus(Duration.ofDays(401)));
        long recentAudit = audit(account, now.minus(Duration.ofDays(399)));
        String token = unique("ST");
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        usage(token, account, today.minusDays(401));
        usage(token, account, today.minusDays(399));
        UUID oldBatch = batch(now.minus(Duration.ofDays(8)));
        UUID recentBatch = batch(now.minus(Duration.ofDays(1)));
        String silent = instance(0, now.minus(Duration.ofDays(8)));

        retention.purge().block(Duration.ofSeconds(30));

        assertThat(count("select count(*) from audit_events where id = $1", oldAudit))
                .isZero();
        assertThat(count("select count(*) from audit_events where id = $1", recentAudit))
                .isOne();
        assertThat(count("select count(*) from token_usage_daily where token_sid = $1", token))
                .isOne();
        assertThat(count("select count(*) from usage_batches where batch_id = $1", oldBatch))
                .isZero();
        assertThat(count("select count(*) from usage_batches where batch_id = $1", recentBatch))
                .isOne();
        assertThat(count("select count(*) from gateway_instances where instance_id = $1", silent))
                .isZero();
    }

    @Test
    void tokenEventsGoOnlyOnceEveryLiveReplicaAppliedThemAndTheNewestStays() {
        Instant now = clock.instant();
        Instant old = now.minus(Duration.ofDays(8));
        long first = event(old);
        long second = event(old);
        long third = event(old);
        long fourth = event(old);
        String behind = instance(second, now);

        retention.purge().block(Duration.ofSeconds(30));
        assertThat(eventExists(first)).as("applied by every live replica").isFalse();
        assertThat(eventExists(second))
                .as("the event at a live replica's cursor")
                .isTrue();
        assertThat(eventExists(third)).as("a live replica has not applied it").isTrue();

        db.sql("update gateway_instances set applied_event_id = $1 where instance_id = $2")
                .bind(0, fourth)
                .bind(1, behind)
                .then()
                .block(Duration.ofSeconds(5));
        retention.purge().block(Duration.ofSeconds(30));
        assertThat(eventExists(third)).isFalse();
        assertThat(eventExists(fourth))
                .as("the newest event stays: a replica back from a long absence sees what it missed")
                .isTrue();
        db.sql("delete from gateway_instances where instance_id = $1")
                .bind(0, behind)
                .then()
                .block(Duration.ofSeconds(5));
    }

    @Test
    void theTablesSizesAreExported() {
        audit(unique("AC"), clock.instant());
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(registry.find("scopegate.store.rows")
                                .tag("table", "audit_events")
                                .gauge())
                        .isNotNull()
                        .satisfies(gauge -> assertThat(gauge.value()).isPositive()));
    }

    private long audit(String account, Instant at) {
        return db.sql(
                        "insert into audit_events (at, actor, action, account_sid) values ($1, 'test', 'TOKEN_CREATED', $2)"
                                + " returning id")
                .bind(0, at)
                .bind(1, account)
                .map(row -> row.get(0, Long.class))
                .one()
                .block(Duration.ofSeconds(5));
    }

    private void usage(String token, String account, LocalDate day) {
        db.sql("insert into token_usage_daily (token_sid, account_sid, day, api_id, method, outcome, requests,"
                        + " last_used_at) values ($1, $2, $3, 'api', 'GET', 'allowed', 1, now())")
                .bind(0, token)
                .bind(1, account)
                .bind(2, day)
                .then()
                .block(Duration.ofSeconds(5));
    }

    private UUID batch(Instant at) {
        UUID id = UUID.randomUUID();
        db.sql("insert into usage_batches (batch_id, written_at) values ($1, $2)")
                .bind(0, id)
                .bind(1, at)
                .then()
                .block(Duration.ofSeconds(5));
        return id;
    }

    private String instance(long applied, Instant seen) {
        String id = unique("gw-");
        db.sql("insert into gateway_instances (instance_id, applied_event_id, started_at, seen_at)"
                        + " values ($1, $2, $3, $3)")
                .bind(0, id)
                .bind(1, applied)
                .bind(2, seen)
                .then()
                .block(Duration.ofSeconds(5));
        return id;
    }

    private long event(Instant at) {
        return db.sql("insert into token_events (at, kind) values ($1, 'API') returning id")
                .bind(0, at)
                .map(row -> row.get(0, Long.class))
                .one()
                .block(Duration.ofSeconds(5));
    }

    private boolean eventExists(long id) {
        return count("select count(*) from token_events where id = $1", id) == 1;
    }
}
