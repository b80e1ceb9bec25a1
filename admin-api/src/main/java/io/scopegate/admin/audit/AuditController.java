package io.scopegate.admin.audit;

import io.r2dbc.postgresql.codec.Json;
import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.error.ApiProblem;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** {@code GET /v1/accounts/{account}/audit-events}: newest first. */
@RestController
class AuditController {

    static final int MAX_LIMIT = 1000;

    record AuditEvent(Instant at, String actor, String action, String tokenSid, String sourceIp, Map<String, Object> details) {
    }

    record AuditEvents(List<AuditEvent> items) {
    }

    private final DatabaseClient db;
    private final AccountRepository accounts;
    private final JsonMapper json;

    AuditController(DatabaseClient db, AccountRepository accounts, JsonMapper json) {
        this.db = db;
        this.accounts = accounts;
        this.json = json;
    }

    @GetMapping("/v1/accounts/{account}/audit-events")
    Mono<AuditEvents> list(@PathVariable String account, @RequestParam(required = false) String sid,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            return Mono.error(ApiProblem.invalid("limit", "must be between 1 and " + MAX_LIMIT));
        }
        return accounts.requireExists(account)
                .thenMany(db.sql("""
                        select at, actor, action, token_sid, source_ip, details from audit_events
                        where account_sid = :account and (cast(:sid as varchar) is null or token_sid = :sid)
                        order by id desc limit :limit
                        """)
                        .bind("account", account)
                        .bind("sid", Parameter.fromOrEmpty(sid, String.class))
                        .bind("limit", limit)
                        .map((row, meta) -> new AuditEvent(row.get("at", Instant.class),
                                row.get("actor", String.class),
                                row.get("action", String.class),
                                row.get("token_sid", String.class),
                                row.get("source_ip", String.class),
                                details(row.get("details", Json.class))))
                        .all())
                .collectList()
                .map(AuditEvents::new);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> details(Json stored) {
        return stored == null ? Map.of() : json.readValue(stored.asString(), Map.class);
    }
}
