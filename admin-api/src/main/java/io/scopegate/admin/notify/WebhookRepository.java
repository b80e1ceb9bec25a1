package io.scopegate.admin.notify;

import io.r2dbc.spi.Readable;
import java.time.Instant;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The webhook_endpoints and webhook_deliveries tables. */
@Repository
class WebhookRepository {

    /**
     * An endpoint's signing secrets as stored, opened by the sender for each attempt: one that cannot
     * be opened fails that delivery, not the whole run.
     */
    record SealedSecrets(String endpointId, String plain, byte[] sealed, byte[] previous, boolean previousValid) {
        @Override
        public String toString() {
            return "SealedSecrets[endpoint=" + endpointId + "]";
        }
    }

    /** A delivery due for an attempt, with what the attempt needs. */
    record Due(
            String id,
            String endpointId,
            String type,
            String url,
            SealedSecrets secrets,
            String payload,
            int attempts) {
        @Override
        public String toString() {
            return "Due[id=" + id + ", endpoint=" + endpointId + ", attempts=" + attempts + "]";
        }
    }

    private static final String ENDPOINT =
            "select id, account_sid, url, events, created_at, updated_at from webhook_endpoints";

    private final DatabaseClient db;
    private final WebhookSecrets secrets;

    WebhookRepository(DatabaseClient db, WebhookSecrets secrets) {
        this.db = db;
        this.secrets = secrets;
    }

    Flux<WebhookEndpoint> list(String account) {
        return db.sql(ENDPOINT + " where account_sid = :account order by created_at, id")
                .bind("account", account)
                .map(WebhookRepository::endpoint)
                .all();
    }

    Mono<WebhookEndpoint> find(String account, String id) {
        return db.sql(ENDPOINT + " where account_sid = :account and id = :id")
                .bind("account", account)
                .bind("id", id)
                .map(WebhookRepository::endpoint)
                .one();
    }

    Mono<Void> insert(WebhookEndpoint endpoint, String secret) {
        return db.sql("""
                insert into webhook_endpoints (id, account_sid, url, events, secret_ciphertext, created_at, updated_at)
                values (:id, :account, :url, :events, :secret, :now, :now)
                """)
                .bind("id", endpoint.id())
                .bind("account", endpoint.accountSid())
                .bind("url", endpoint.url())
                .bind("events", endpoint.events().toArray(String[]::new))
                .bind("secret", secrets.seal(endpoint.id(), secret))
                .bind("now", endpoint.createdAt())
                .then();
    }

    /** A new signing secret; the current one keeps signing too until {@code previousUntil}. */
    /** Emits how many endpoints were rotated: 0 when it was deleted meanwhile. */
    Mono<Long> rotate(String id, String secret, Instant previousUntil, Instant now) {
        // A secret still stored as it was before V9 is sealed on its way to "previous".
        Mono<Void> sealPlain = db.sql("select secret from webhook_endpoints where id = :id and secret is not null")
                .bind("id", id)
                .map(row -> row.get(0, String.class))
                .one()
                .flatMap(plain -> db.sql("""
                                update webhook_endpoints set secret_ciphertext = :sealed, secret = null where id = :id
                                """)
                        .bind("id", id)
                        .bind("sealed", secrets.seal(id, plain))
                        .then());
        return sealPlain.then(db.sql("""
                        update webhook_endpoints
                        set previous_secret_ciphertext = secret_ciphertext, previous_secret_valid_until = :until,
                            secret_ciphertext = :secret, updated_at = :now
                        where id = :id
                        """)
                .bind("id", id)
                .bind("secret", secrets.seal(id, secret))
                .bind("until", previousUntil)
                .bind("now", now)
                .fetch()
                .rowsUpdated());
    }

    Mono<Long> count(String account) {
        return db.sql("select count(*) from webhook_endpoints where account_sid = :account")
                .bind("account", account)
                .map(row -> row.get(0, Long.class))
                .one();
    }

    /**
     * Forgets what is over: deliveries that ended (succeeded or failed) and notifications dispatched
     * and past mailing, both older than {@code before}. Pending work is never deleted.
     */
    Mono<Long> purge(Instant before, Instant now) {
        return db.sql("delete from webhook_deliveries where status <> 'PENDING' and updated_at < :before")
                .bind("before", before)
                .fetch()
                .rowsUpdated()
                .flatMap(deliveries -> db.sql("""
                                delete from notification_outbox o
                                where o.created_at < :before and o.dispatched_at is not null
                                  -- A reminder's row is what makes it once: kept while its key could recur
                                  -- (a denial spike's key names its hour, so it cannot).
                                  and (o.dedupe_key is null or o.type like '%.denial_spike')
                                  and not exists (select 1 from webhook_deliveries d
                                                  where d.outbox_id = o.id and d.status = 'PENDING')
                                """)
                        .bind("before", before)
                        .fetch()
                        .rowsUpdated()
                        .map(notifications -> deliveries + notifications))
                .flatMap(deleted -> db.sql("delete from notification_digests where digest_at < :before")
                        .bind("before", before)
                        .fetch()
                        .rowsUpdated()
                        .map(digests -> deleted + digests))
                // A rotated-out secret is kept only for its grace period.
                .flatMap(deleted -> db.sql("""
                                update webhook_endpoints set previous_secret_ciphertext = null,
                                                             previous_secret_valid_until = null
                                where previous_secret_valid_until < :now
                                """).bind("now", now).then().thenReturn(deleted));
    }

    Mono<Void> update(String id, String url, List<String> events, Instant now) {
        return db.sql("update webhook_endpoints set url = :url, events = :events, updated_at = :now where id = :id")
                .bind("id", id)
                .bind("url", url)
                .bind("events", events.toArray(String[]::new))
                .bind("now", now)
                .then();
    }

    Mono<Long> delete(String account, String id) {
        return db.sql("delete from webhook_endpoints where account_sid = :account and id = :id")
                .bind("account", account)
                .bind("id", id)
                .fetch()
                .rowsUpdated();
    }

    Flux<WebhookDelivery> deliveries(String endpointId, int limit) {
        return db.sql("""
                select id, type, status, attempts, next_attempt_at, last_response_status, last_error,
                       created_at, updated_at
                from webhook_deliveries where endpoint_id = :endpoint order by created_at desc, id limit :limit
                """)
                .bind("endpoint", endpointId)
                .bind("limit", limit)
                .map(row -> new WebhookDelivery(
                        row.get("id", String.class),
                        row.get("type", String.class),
                        row.get("status", String.class),
                        row.get("attempts", Integer.class),
                        row.get("next_attempt_at", Instant.class),
                        row.get("last_response_status", Integer.class),
                        row.get("last_error", String.class),
                        row.get("created_at", Instant.class),
                        row.get("updated_at", Instant.class)))
                .all();
    }

    /** A delivery to send at once (a test event, or outside the outbox). */
    Mono<Void> insertDelivery(String id, String endpointId, Long outboxId, String type, String payload, Instant now) {
        return db.sql("""
                insert into webhook_deliveries (id, endpoint_id, outbox_id, type, payload, status, next_attempt_at,
                                                created_at, updated_at)
                values (:id, :endpoint, :outbox, :type, :payload, 'PENDING', :now, :now, :now)
                on conflict (endpoint_id, outbox_id) do nothing
                """)
                .bind("id", id)
                .bind("endpoint", endpointId)
                .bind("outbox", Parameter.fromOrEmpty(outboxId, Long.class))
                .bind("type", type)
                .bind("payload", payload)
                .bind("now", now)
                .then();
    }

    /** Puts a finished (or failed) delivery back in line for an attempt now. */
    Mono<Long> redeliver(String endpointId, String deliveryId, Instant now) {
        return db.sql("""
                update webhook_deliveries set status = 'PENDING', next_attempt_at = :now, updated_at = :now
                where endpoint_id = :endpoint and id = :id
                """)
                .bind("endpoint", endpointId)
                .bind("id", deliveryId)
                .bind("now", now)
                .fetch()
                .rowsUpdated();
    }

    /**
     * Deliveries due now, oldest first. Only the elected replica sends; in a hand-over two may briefly
     * both send one, which receivers de-duplicate by {@code webhook-id}, as Standard Webhooks expects.
     */
    Flux<Due> due(Instant now, int limit, int perEndpoint) {
        return db.sql("""
                select d.id, d.endpoint_id, d.type, e.url, e.secret, e.secret_ciphertext, e.previous_secret_ciphertext,
                       coalesce(e.previous_secret_valid_until > :now, false) as previous_valid, d.payload, d.attempts
                from (select *, row_number() over (partition by endpoint_id order by next_attempt_at, id) as place
                      from webhook_deliveries
                      where status = 'PENDING' and next_attempt_at <= :now) d
                     join webhook_endpoints e on e.id = d.endpoint_id
                -- A few per endpoint a run: one slow or busy receiver does not hold up the others.
                where d.place <= :perEndpoint
                order by d.next_attempt_at, d.id limit :limit
                """)
                .bind("now", now)
                .bind("limit", limit)
                .bind("perEndpoint", perEndpoint)
                .map(row -> new Due(
                        row.get("id", String.class),
                        row.get("endpoint_id", String.class),
                        row.get("type", String.class),
                        row.get("url", String.class),
                        new SealedSecrets(
                                row.get("endpoint_id", String.class),
                                row.get("secret", String.class),
                                bytes(row, "secret_ciphertext"),
                                bytes(row, "previous_secret_ciphertext"),
                                Boolean.TRUE.equals(row.get("previous_valid", Boolean.class))),
                        row.get("payload", String.class),
                        row.get("attempts", Integer.class)))
                .all();
    }

    /** @param next when to try again, or null when the delivery is over (status says how) */
    Mono<Void> attempted(String id, String status, Integer responseStatus, String error, Instant next, Instant now) {
        return db.sql("""
                update webhook_deliveries
                set status = :status, attempts = attempts + 1, last_response_status = :response,
                    last_error = :error, next_attempt_at = :next, updated_at = :now
                where id = :id
                """)
                .bind("id", id)
                .bind("status", status)
                .bind("response", Parameter.fromOrEmpty(responseStatus, Integer.class))
                .bind("error", Parameter.fromOrEmpty(error == null ? null : truncate(error), String.class))
                .bind("next", Parameter.fromOrEmpty(next, Instant.class))
                .bind("now", now)
                .then();
    }

    private static byte[] bytes(Readable row, String column) {
        return row.get(column, byte[].class);
    }

    private static String truncate(String error) {
        return error.length() <= 500 ? error : error.substring(0, 500);
    }

    private static WebhookEndpoint endpoint(Readable row) {
        return new WebhookEndpoint(
                row.get("id", String.class),
                row.get("account_sid", String.class),
                row.get("url", String.class),
                List.of(row.get("events", String[].class)),
                row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class),
                null);
    }
}
