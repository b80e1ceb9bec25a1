package io.scopegate.admin.notify;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.r2dbc.postgresql.codec.Json;
import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns outbox rows into one delivery per subscribed endpoint, on the elected replica only. Each
 * batch is one transaction: the deliveries and the row's {@code dispatched_at} commit together, and
 * a delivery is unique per (endpoint, outbox row), so a notification is dispatched once even when a
 * replica dies mid-batch or two briefly both believe they lead.
 */
@Component
class WebhookDispatcher extends RepeatingWork {

    private static final int BATCH = 100;

    private record Pending(long id, String accountSid, String type, String data, Instant createdAt) {}

    private final DatabaseClient db;
    private final WebhookRepository webhooks;
    private final TransactionalOperator tx;
    private final StoreLeader leader;
    private final WebhookProperties settings;
    private final SecureRandom random;
    private final JsonMapper json;
    private final Clock clock;
    private final AtomicLong backlog = new AtomicLong();

    WebhookDispatcher(
            DatabaseClient db,
            WebhookRepository webhooks,
            TransactionalOperator tx,
            StoreLeader leader,
            WebhookProperties settings,
            SecureRandom random,
            JsonMapper json,
            Clock clock,
            MeterRegistry registry) {
        this.db = db;
        this.webhooks = webhooks;
        this.tx = tx;
        this.leader = leader;
        this.settings = settings;
        this.random = random;
        this.json = json;
        this.clock = clock;
        Gauge.builder("scopegate.notifications.outbox.backlog", backlog, AtomicLong::get)
                .description("Notifications not yet dispatched (measured on the elected replica; 0 elsewhere)")
                .register(registry);
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(settings.pollInterval());
    }

    @Override
    protected Mono<Void> runOnce() {
        if (!leader.isLeader()) {
            backlog.set(0);
            return Mono.empty();
        }
        // The batch is read whole before it is dispatched: in a transaction every statement shares one
        // connection, and a query issued while another's rows are still being read waits for them.
        return tx.transactional(pending()
                        .collectList()
                        .flatMapMany(Flux::fromIterable)
                        .concatMap(this::dispatch)
                        .then())
                .then(db.sql("select count(*) from notification_outbox where dispatched_at is null")
                        .map(row -> row.get(0, Long.class))
                        .one()
                        .doOnNext(backlog::set))
                .then()
                .timeout(Duration.ofSeconds(30));
    }

    private Flux<Pending> pending() {
        return db.sql("""
                select id, account_sid, type, data, created_at from notification_outbox
                where dispatched_at is null order by id limit :batch for update skip locked
                """)
                .bind("batch", BATCH)
                .map(row -> new Pending(
                        row.get("id", Long.class),
                        row.get("account_sid", String.class),
                        row.get("type", String.class),
                        row.get("data", Json.class).asString(),
                        row.get("created_at", Instant.class)))
                .all();
    }

    private Mono<Void> dispatch(Pending notification) {
        Instant now = clock.instant();
        String payload =
                Payloads.of(json, notification.type(), notification.createdAt(), json.readTree(notification.data()));
        return db.sql("""
                select id from webhook_endpoints where account_sid = :account and :type = any(events)
                """)
                .bind("account", notification.accountSid())
                .bind("type", notification.type())
                .map(row -> row.get("id", String.class))
                .all()
                .concatMap(endpoint -> webhooks.insertDelivery(
                        StandardWebhooks.newId("msg_", random),
                        endpoint,
                        notification.id(),
                        notification.type(),
                        payload,
                        now))
                .then(db.sql("update notification_outbox set dispatched_at = :now where id = :id")
                        .bind("now", now)
                        .bind("id", notification.id())
                        .then());
    }
}
