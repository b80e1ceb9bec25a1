package io.scopegate.admin.audit;

import io.r2dbc.postgresql.codec.Json;
import io.scopegate.admin.notify.Outbox;
import io.scopegate.admin.propagation.ChangesToConfirm;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.event.StoreEvent;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the audit row, for changes the gateway must see the {@code token_events} row and its
 * NOTIFY (and, for a change the call must see applied, notes it in {@link ChangesToConfirm}), and for
 * changes that notify the outbox row. Call it inside the change's transaction: PostgreSQL delivers the NOTIFY only on commit,
 * so a rolled-back change leaves no audit row, no event and no notification.
 */
@Component
public class ChangeLog {

    private final DatabaseClient db;
    private final JsonMapper json;
    private final Clock clock;
    private final Outbox outbox;

    ChangeLog(DatabaseClient db, JsonMapper json, Clock clock, Outbox outbox) {
        this.db = db;
        this.json = json;
        this.clock = clock;
        this.outbox = outbox;
    }

    /** One change of a call: what was done to which subject, and the details its audit row keeps. */
    public record Change(AuditAction action, String subject, Map<String, ?> details) {}

    /**
     * @param subject the token SID for token actions (the account SID for legacy tokens), the API id
     *                for catalog actions, the username for admin-user actions
     * @param details what changed; never a secret
     */
    public Mono<Void> record(
            Actor actor, AuditAction action, String accountSid, String subject, Map<String, ?> details) {
        return recordEach(actor, accountSid, List.of(new Change(action, subject, details)));
    }

    /**
     * Several changes of one call, in one account, in one transaction: each gets its audit row, its
     * notification and (when the gateways must see it) its event, as {@link #record} gives one change.
     * The events come last, after every other row: the write lock they take is held to commit and
     * serialises every change in the store, so it is taken once, for the shortest time.
     */
    public Mono<Void> recordEach(Actor actor, String accountSid, List<Change> changes) {
        return Flux.fromIterable(changes)
                .concatMap(change -> audit(actor, change.action(), accountSid, change.subject(), change.details())
                        .flatMap(auditId -> notification(
                                        actor, change.action(), accountSid, change.subject(), change.details())
                                .thenReturn(auditId)))
                .collectList()
                .flatMap(auditIds -> events(accountSid, changes, auditIds));
    }

    private Mono<Void> events(String accountSid, List<Change> changes, List<Long> auditIds) {
        if (changes.stream().allMatch(change -> change.action().eventKind() == null)) {
            return Mono.empty();
        }
        // Held to commit: events become visible in id order (see StoreEvent.WRITE_LOCK).
        Mono<Void> inIdOrder = db.sql("select pg_advisory_xact_lock(:lock)")
                .bind("lock", StoreEvent.WRITE_LOCK)
                .then();
        return inIdOrder
                .thenMany(Flux.range(0, changes.size()))
                .filter(i -> changes.get(i).action().eventKind() != null)
                .concatMap(i -> {
                    AuditAction action = changes.get(i).action();
                    return event(action, accountSid, changes.get(i).subject())
                            .flatMap(eventId -> action.awaitsGateways()
                                    ? ChangesToConfirm.expect(auditIds.get(i), eventId)
                                    : Mono.empty());
                })
                .then();
    }

    /** The change's notification, into the outbox in the same transaction. */
    private Mono<Void> notification(
            Actor actor, AuditAction action, String accountSid, String subject, Map<String, ?> details) {
        String type = action.notification(details);
        if (type == null || accountSid == null) {
            return Mono.empty();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountSid", accountSid);
        data.put("tokenSid", subject);
        if (type.startsWith("legacy_token.") && details.get("kind") != null) {
            // A legacy change is about the account's credential of this kind: say which, as reminders do.
            data.put("legacyKind", details.get("kind"));
        }
        data.put("actor", actor.username());
        data.put("details", details);
        return outbox.enqueue(accountSid, type, data);
    }

    /** The new audit record's id. */
    private Mono<Long> audit(
            Actor actor, AuditAction action, String accountSid, String subject, Map<String, ?> details) {
        boolean aboutToken = action.eventKind() != null && action.eventKind().namesCredential()
                || action == AuditAction.CREDENTIALS_READ;
        return db.sql("""
                insert into audit_events (at, actor, action, account_sid, token_sid, source_ip, details)
                values (:at, :actor, :action, :account, :token, :ip, :details)
                returning id
                """)
                .bind("at", clock.instant())
                .bind("actor", actor.username())
                .bind("action", action.name())
                .bind("account", Parameter.fromOrEmpty(accountSid, String.class))
                .bind("token", Parameter.fromOrEmpty(aboutToken ? subject : null, String.class))
                .bind("ip", Parameter.fromOrEmpty(actor.sourceIp(), String.class))
                .bind("details", Json.of(json.writeValueAsString(details)))
                .map(row -> row.get("id", Long.class))
                .one();
    }

    /**
     * The event row, then its NOTIFY with the payload {@link StoreEvent} defines: enough for a gateway
     * to reload the named cache entry at once, before its poll reads the row itself. Gives the event's
     * id. Only under the write lock ({@link #events}).
     */
    private Mono<Long> event(AuditAction action, String accountSid, String subject) {
        StoreEvent.Kind kind = action.eventKind();
        boolean aboutApi = kind == StoreEvent.Kind.API;
        return db.sql("""
                insert into token_events (at, kind, account_sid, token_sid, api_id)
                values (:at, :kind, :account, :token, :api)
                returning id
                """)
                .bind("at", clock.instant())
                .bind("kind", kind.name())
                .bind("account", Parameter.fromOrEmpty(accountSid, String.class))
                .bind("token", Parameter.fromOrEmpty(aboutApi ? null : subject, String.class))
                .bind("api", Parameter.fromOrEmpty(aboutApi ? subject : null, String.class))
                .map(row -> row.get("id", Long.class))
                .one()
                .flatMap(id -> notify(new StoreEvent(id, kind, subject)).thenReturn(id));
    }

    private Mono<Void> notify(StoreEvent event) {
        return db.sql("select pg_notify(:channel, :payload)")
                .bind("channel", StoreEvent.CHANNEL)
                .bind("payload", event.payload())
                .then();
    }
}
