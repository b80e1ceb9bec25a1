package io.scopegate.admin.audit;

import io.r2dbc.postgresql.codec.Json;
import io.scopegate.admin.security.Actor;
import java.time.Clock;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes the audit row and, for changes the gateway must see, the {@code token_events} row and its
 * NOTIFY. Call it inside the change's transaction: PostgreSQL delivers the NOTIFY only on commit,
 * so a rolled-back change leaves no audit row, no event and no notification.
 */
@Component
public class ChangeLog {

    /**
     * The channel the gateway LISTENs on. The payload is {@code "<event id> <kind> <subject>"}: enough
     * for a gateway to drop the named cache entry at once, before its poll reads the event itself.
     */
    public static final String CHANNEL = "scopegate_events";

    private final DatabaseClient db;
    private final JsonMapper json;
    private final Clock clock;

    ChangeLog(DatabaseClient db, JsonMapper json, Clock clock) {
        this.db = db;
        this.json = json;
        this.clock = clock;
    }

    /**
     * @param subject the token SID for token actions (the account SID for legacy tokens), the API id
     *                for catalog actions, the username for admin-user actions
     * @param details what changed; never a secret
     */
    public Mono<Void> record(Actor actor, AuditAction action, String accountSid, String subject, Map<String, ?> details) {
        return audit(actor, action, accountSid, subject, details)
                .then(action.eventKind() == null ? Mono.empty() : event(action, accountSid, subject));
    }

    private Mono<Void> audit(Actor actor, AuditAction action, String accountSid, String subject, Map<String, ?> details) {
        boolean aboutToken = action.eventKind() != null && action.eventKind().endsWith("TOKEN")
                || action == AuditAction.CREDENTIALS_READ;
        return db.sql("""
                insert into audit_events (at, actor, action, account_sid, token_sid, source_ip, details)
                values (:at, :actor, :action, :account, :token, :ip, :details)
                """)
                .bind("at", clock.instant())
                .bind("actor", actor.username())
                .bind("action", action.name())
                .bind("account", Parameter.fromOrEmpty(accountSid, String.class))
                .bind("token", Parameter.fromOrEmpty(aboutToken ? subject : null, String.class))
                .bind("ip", Parameter.fromOrEmpty(actor.sourceIp(), String.class))
                .bind("details", Json.of(json.writeValueAsString(details)))
                .then();
    }

    private Mono<Void> event(AuditAction action, String accountSid, String subject) {
        boolean aboutApi = "API".equals(action.eventKind());
        return db.sql("""
                with event as (
                    insert into token_events (at, kind, account_sid, token_sid, api_id)
                    values (:at, :kind, :account, :token, :api)
                    returning id, kind, coalesce(token_sid, api_id, '') as subject
                )
                select pg_notify(:channel, id::text || ' ' || kind || ' ' || subject) from event
                """)
                .bind("at", clock.instant())
                .bind("kind", action.eventKind())
                .bind("account", Parameter.fromOrEmpty(accountSid, String.class))
                .bind("token", Parameter.fromOrEmpty(aboutApi ? null : subject, String.class))
                .bind("api", Parameter.fromOrEmpty(aboutApi ? subject : null, String.class))
                .bind("channel", CHANNEL)
                .then();
    }
}
