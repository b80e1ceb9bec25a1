package io.scopegate.admin.audit;

import io.scopegate.admin.notify.Outbox;
import io.scopegate.admin.propagation.ChangesToConfirm;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.event.StoreEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
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
     * notification and (when the gateways must see it) its event and NOTIFY, as {@link #record} gives
     * one change — in one statement per kind of row however many changes there are. The events come
     * last: the write lock they take is held to commit and serialises every change in the store, so
     * it is taken once, for the shortest time.
     */
    public Mono<Void> recordEach(Actor actor, String accountSid, List<Change> changes) {
        if (changes.isEmpty()) {
            return Mono.empty();
        }
        return audit(actor, accountSid, changes)
                .flatMap(awaitingIds -> notifications(actor, accountSid, changes)
                        .then(events(accountSid, changes))
                        .flatMap(lastEventId -> lastEventId < 0 || awaitingIds.isEmpty()
                                ? Mono.<Void>empty()
                                : ChangesToConfirm.expect(awaitingIds, lastEventId)));
    }

    /** The changes' notifications, into the outbox in the same transaction. */
    private Mono<Void> notifications(Actor actor, String accountSid, List<Change> changes) {
        if (accountSid == null) {
            return Mono.empty();
        }
        List<Outbox.Notification> notifications = new ArrayList<>();
        for (Change change : changes) {
            String type = change.action().notification(change.details());
            if (type != null) {
                notifications.add(new Outbox.Notification(type, data(actor, accountSid, change, type)));
            }
        }
        return outbox.enqueueAll(accountSid, notifications);
    }

    private static Map<String, Object> data(Actor actor, String accountSid, Change change, String type) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("accountSid", accountSid);
        data.put("tokenSid", change.subject());
        if (type.startsWith("legacy_token.") && change.details().get("kind") != null) {
            // A legacy change is about the account's credential of this kind: say which, as reminders do.
            data.put("legacyKind", change.details().get("kind"));
        }
        data.put("actor", actor.username());
        data.put("details", change.details());
        return data;
    }

    /** The audit rows; gives the ids of those whose change the call is to see applied by the gateways. */
    private Mono<List<Long>> audit(Actor actor, String accountSid, List<Change> changes) {
        String[] actions = new String[changes.size()];
        String[] tokens = new String[changes.size()];
        String[] details = new String[changes.size()];
        for (int i = 0; i < changes.size(); i++) {
            Change change = changes.get(i);
            AuditAction action = change.action();
            boolean aboutToken =
                    action.eventKind() != null && action.eventKind().namesCredential()
                            || action == AuditAction.CREDENTIALS_READ;
            actions[i] = action.name();
            tokens[i] = aboutToken ? change.subject() : "";
            details[i] = json.writeValueAsString(change.details());
        }
        return db.sql("""
                insert into audit_events (at, actor, action, account_sid, token_sid, source_ip, details)
                select :at, :actor, c.action, :account, nullif(c.token, ''), :ip, cast(c.details as jsonb)
                from unnest(cast(:actions as text[]), cast(:tokens as text[]), cast(:details as text[]))
                     with ordinality as c(action, token, details, n)
                order by c.n
                returning id, action
                """)
                .bind("at", clock.instant())
                .bind("actor", actor.username())
                .bind("account", Parameter.fromOrEmpty(accountSid, String.class))
                .bind("ip", Parameter.fromOrEmpty(actor.sourceIp(), String.class))
                .bind("actions", actions)
                .bind("tokens", tokens)
                .bind("details", details)
                .map(row -> AuditAction.valueOf(row.get("action", String.class)).awaitsGateways()
                        ? row.get("id", Long.class)
                        : -1L)
                .all()
                .filter(id -> id >= 0)
                .collectList();
    }

    /**
     * The event rows, then their NOTIFYs with the payload {@link StoreEvent} defines: enough for a
     * gateway to reload the named cache entry at once, before its poll reads the row itself. Gives the
     * last event's id, or -1 when no change is one the gateways see.
     */
    private Mono<Long> events(String accountSid, List<Change> changes) {
        List<Change> seen = changes.stream()
                .filter(change -> change.action().eventKind() != null)
                .toList();
        if (seen.isEmpty()) {
            return Mono.just(-1L);
        }
        String[] kinds = new String[seen.size()];
        String[] tokens = new String[seen.size()];
        String[] apis = new String[seen.size()];
        for (int i = 0; i < seen.size(); i++) {
            StoreEvent.Kind kind = seen.get(i).action().eventKind();
            kinds[i] = kind.name();
            tokens[i] = kind == StoreEvent.Kind.API ? "" : seen.get(i).subject();
            apis[i] = kind == StoreEvent.Kind.API ? seen.get(i).subject() : "";
        }
        // One statement, then the commit: the write lock it takes first is held to commit (events become
        // visible in id order, see StoreEvent.WRITE_LOCK) and serialises every change in the store, so it is
        // held for one round trip and the commit, not for a statement each to lock, insert and notify. The
        // lock is a materialised CTE the insert joins: it is taken before any row, so before any id is drawn.
        // The payload is StoreEvent#payload's format ("<id> <kind> <subject>"; ChangeAtomicityTest checks it).
        return db.sql("""
                with in_id_order as materialized (select pg_advisory_xact_lock(:lock) as locked),
                     written as (
                         insert into token_events (at, kind, account_sid, token_sid, api_id)
                         select :at, e.kind, :account, nullif(e.token, ''), nullif(e.api, '')
                         from unnest(cast(:kinds as text[]), cast(:tokens as text[]), cast(:apis as text[]))
                              with ordinality as e(kind, token, api, n)
                              cross join in_id_order
                         order by e.n
                         returning id, kind, coalesce(token_sid, api_id) as subject)
                -- count(): the aggregate reads every written row, so every row's NOTIFY is sent
                select max(id) as last_id, count(pg_notify(:channel, id || ' ' || kind || ' ' || subject)) as notified
                from written
                """)
                .bind("lock", StoreEvent.WRITE_LOCK)
                .bind("at", clock.instant())
                .bind("account", Parameter.fromOrEmpty(accountSid, String.class))
                .bind("kinds", kinds)
                .bind("tokens", tokens)
                .bind("apis", apis)
                .bind("channel", StoreEvent.CHANNEL)
                .map(row -> row.get("last_id", Long.class))
                .one();
    }
}
