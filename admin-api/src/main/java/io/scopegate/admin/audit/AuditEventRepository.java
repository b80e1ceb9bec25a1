package io.scopegate.admin.audit;

import io.r2dbc.postgresql.codec.Json;
import io.r2dbc.spi.Readable;
import io.scopegate.admin.paging.Page;
import io.scopegate.admin.paging.PageCursor;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** Reads the audit_events table ({@link ChangeLog} writes it). */
@Repository
class AuditEventRepository {

    /**
     * @param id        only grows; SIEMs de-duplicate on it
     * @param accountSid null for platform-level changes (catalog, operator users)
     * @param propagation for a change the gateways apply, what the call knew when it answered of the
     *                    replicas that had applied it (its {@code Scopegate-Propagation} header)
     */
    record AuditEvent(
            long id,
            Instant at,
            String actor,
            String action,
            @Schema(nullable = true) String accountSid,
            @Schema(nullable = true) String tokenSid,
            @Schema(nullable = true) String sourceIp,
            Map<String, Object> details,

            @Schema(nullable = true, example = "confirmed=3/3; ms=14")
            String propagation) {}

    /** Rows fetched per round trip while streaming, so an export of millions never sits in memory. */
    private static final int STREAM_FETCH_SIZE = 500;

    private static final String SELECT = """
            select id, at, actor, action, account_sid, token_sid, source_ip, details, propagation from audit_events
            where (cast(:account as varchar) is null or account_sid = :account)
              and (cast(:sid as varchar) is null or token_sid = :sid)
              and (cast(:actor as varchar) is null or actor = :actor)
              and (cast(:action as varchar) is null or action = :action)
              and (cast(:from as timestamptz) is null or at >= :from)
              and (cast(:to as timestamptz) is null or at < :to)
            """;

    private final DatabaseClient db;
    private final JsonMapper json;

    AuditEventRepository(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /**
     * Newest first, at most {@code limit}.
     *
     * @param beforeId the last id of the previous page, or null for the first page: later pages hold
     *                 only smaller ids, so no event appears twice, and events written after the first
     *                 page (larger ids) do not push others onto the next one
     */
    Flux<AuditEvent> newest(AuditQuery query, Long beforeId, int limit) {
        return bind(
                        db.sql(
                                SELECT
                                        + " and (cast(:before as bigint) is null or id < :before) order by id desc limit :limit"),
                        query)
                .bind("before", Parameter.fromOrEmpty(beforeId, Long.class))
                .bind("limit", limit)
                .map(this::event)
                .all();
    }

    /**
     * One page, newest first, after the cursor of the page before (null: the first page).
     *
     * @param path names the list the cursor belongs to, so it is refused on any other
     */
    Mono<Page<AuditEvent>> page(AuditQuery query, String path, int limit, String cursor) {
        String listing = query.listing(path);
        List<String> position = PageCursor.decode(cursor, listing, 1);
        Long beforeId = position == null ? null : PageCursor.number(position.get(0));
        return newest(query, beforeId, limit + 1)
                .collectList()
                .map(rows ->
                        Page.of(rows, limit, last -> PageCursor.encode(listing, List.of(Long.toString(last.id())))));
    }

    /** Every matching event, oldest first, fetched in batches as the client reads them. */
    Flux<AuditEvent> oldestFirst(AuditQuery query) {
        return bind(db.sql(SELECT + " order by id"), query)
                .filter(statement -> statement.fetchSize(STREAM_FETCH_SIZE))
                .map(this::event)
                .all();
    }

    private static DatabaseClient.GenericExecuteSpec bind(DatabaseClient.GenericExecuteSpec spec, AuditQuery query) {
        return spec.bind("account", Parameter.fromOrEmpty(query.account(), String.class))
                .bind("sid", Parameter.fromOrEmpty(query.tokenSid(), String.class))
                .bind("actor", Parameter.fromOrEmpty(query.actor(), String.class))
                .bind(
                        "action",
                        Parameter.fromOrEmpty(
                                query.action() == null ? null : query.action().name(), String.class))
                .bind("from", Parameter.fromOrEmpty(query.from(), Instant.class))
                .bind("to", Parameter.fromOrEmpty(query.to(), Instant.class));
    }

    private AuditEvent event(Readable row) {
        return new AuditEvent(
                row.get("id", Long.class),
                row.get("at", Instant.class),
                row.get("actor", String.class),
                row.get("action", String.class),
                row.get("account_sid", String.class),
                row.get("token_sid", String.class),
                row.get("source_ip", String.class),
                details(row.get("details", Json.class)),
                row.get("propagation", String.class));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> details(Json stored) {
        return stored == null ? Map.of() : json.readValue(stored.asString(), Map.class);
    }
}
