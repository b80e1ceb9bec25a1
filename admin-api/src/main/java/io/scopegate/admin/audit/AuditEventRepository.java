package io.scopegate.admin.audit;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/** Reads the audit_events table ({@link ChangeLog} writes it). */
@Repository
class AuditEventRepository {

    record AuditEvent(
            Instant at,
            String actor,
            String action,
            @Schema(nullable = true) String tokenSid,
            @Schema(nullable = true) String sourceIp,
            Map<String, Object> details) {}

    private final DatabaseClient db;
    private final JsonMapper json;

    AuditEventRepository(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Newest first; only the named token's events when {@code tokenSid} is given. */
    Flux<AuditEvent> newest(String account, String tokenSid, int limit) {
        return db.sql("""
                select at, actor, action, token_sid, source_ip, details from audit_events
                where account_sid = :account and (cast(:sid as varchar) is null or token_sid = :sid)
                order by id desc limit :limit
                """)
                .bind("account", account)
                .bind("sid", Parameter.fromOrEmpty(tokenSid, String.class))
                .bind("limit", limit)
                .map(this::event)
                .all();
    }

    private AuditEvent event(Readable row) {
        return new AuditEvent(
                row.get("at", Instant.class),
                row.get("actor", String.class),
                row.get("action", String.class),
                row.get("token_sid", String.class),
                row.get("source_ip", String.class),
                details(row.get("details", Json.class)));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> details(Json stored) {
        return stored == null ? Map.of() : json.readValue(stored.asString(), Map.class);
    }
}
