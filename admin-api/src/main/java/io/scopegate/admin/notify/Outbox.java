package io.scopegate.admin.notify;

import io.r2dbc.postgresql.codec.Json;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes notifications into {@code notification_outbox}, inside the transaction of the change they
 * tell about: committed together, or not at all. The elected replica's dispatcher sends them.
 */
@Component
public class Outbox {

    private final DatabaseClient db;
    private final JsonMapper json;
    private final Clock clock;

    Outbox(DatabaseClient db, JsonMapper json, Clock clock) {
        this.db = db;
        this.json = json;
        this.clock = clock;
    }

    /**
     * A notification of a change.
     *
     * @param type a {@link NotificationType} wire name
     * @param data what the receivers get as {@code data}; never a secret
     */
    public record Notification(String type, Map<String, ?> data) {}

    /** Several, in one statement (a change of many tokens at once). */
    public Mono<Void> enqueueAll(String accountSid, List<Notification> notifications) {
        if (notifications.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("""
                insert into notification_outbox (account_sid, type, data, created_at)
                select :account, n.type, cast(n.data as jsonb), :now
                from unnest(cast(:types as text[]), cast(:data as text[])) with ordinality as n(type, data, i)
                order by n.i
                """)
                .bind("account", accountSid)
                .bind("types", notifications.stream().map(Notification::type).toArray(String[]::new))
                .bind(
                        "data",
                        notifications.stream()
                                .map(notification -> json.writeValueAsString(notification.data()))
                                .toArray(String[]::new))
                .bind("now", clock.instant())
                .then();
    }

    /** One notification, but at most once per {@code dedupeKey}, ever. */
    public Mono<Void> enqueueOnce(String accountSid, String type, String dedupeKey, Map<String, ?> data) {
        return db.sql("""
                insert into notification_outbox (account_sid, type, dedupe_key, data, created_at)
                values (:account, :type, :key, :data, :now)
                on conflict (dedupe_key) do nothing
                """)
                .bind("account", accountSid)
                .bind("type", type)
                .bind("key", dedupeKey)
                .bind("data", Json.of(json.writeValueAsString(data)))
                .bind("now", clock.instant())
                .then();
    }
}
