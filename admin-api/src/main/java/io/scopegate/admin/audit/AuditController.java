package io.scopegate.admin.audit;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditEventRepository.AuditEvent;
import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.paging.Page;
import io.scopegate.admin.paging.PageLimit;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The audit log: per account ({@code /v1/accounts/{account}/audit-events}, the account's users) and
 * platform-wide ({@code /v1/audit-events}, operators: every account's events and the platform's own).
 * As JSON, newest first, a page at a time; as {@code application/x-ndjson}, the whole filtered range
 * oldest first in one streamed response, for a SIEM.
 */
@RestController
@Tag(name = "Audit", description = "Every change and every read of a secret")
@ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
@ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
@ApiResponse(responseCode = "429", ref = ProblemResponses.BUSY)
class AuditController {

    static final int MAX_LIMIT = 1000;
    static final String NDJSON = "application/x-ndjson";

    private final AuditEventRepository events;
    private final AccountRepository accounts;
    private final AuditExports exports;

    AuditController(AuditEventRepository events, AccountRepository accounts, AuditExports exports) {
        this.events = events;
        this.accounts = accounts;
        this.exports = exports;
    }

    @GetMapping(path = "/v1/accounts/{account}/audit-events", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "listAuditEvents",
            summary = "The account's audit events, newest first, a page at a time; sid narrows to one token."
                    + " With Accept: application/x-ndjson, every matching event oldest first, one per line"
                    + " (no limit or cursor)")
    @EventsOrStream
    @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
    Mono<Page<AuditEvent>> accountEvents(
            @PathVariable String account,
            @RequestParam(required = false) String sid,
            @RequestParam(required = false) String actor,
            @ActionParameter @RequestParam(required = false) String action,
            @FromParameter @RequestParam(required = false) String from,
            @ToParameter @RequestParam(required = false) String to,
            @LimitParameter @RequestParam(defaultValue = "100") int limit,
            @CursorParameter @RequestParam(required = false) String cursor) {
        AuditQuery query = AuditQuery.of(account, sid, actor, action, from, to);
        int pageSize = PageLimit.check(limit, MAX_LIMIT);
        return accounts.requireExists(account).then(events.page(query, "account", pageSize, cursor));
    }

    /** Documented with {@link #accountEvents}: one operation, two representations. */
    @GetMapping(path = "/v1/accounts/{account}/audit-events", produces = NDJSON)
    @Operation(hidden = true)
    Flux<AuditEvent> streamAccountEvents(
            @PathVariable String account,
            @RequestParam(required = false) String sid,
            @RequestParam(required = false) String actor,
            @ActionParameter @RequestParam(required = false) String action,
            @FromParameter @RequestParam(required = false) String from,
            @ToParameter @RequestParam(required = false) String to) {
        AuditQuery query = AuditQuery.of(account, sid, actor, action, from, to);
        return accounts.requireExists(account).thenMany(exports.bounded(events.oldestFirst(query)));
    }

    @GetMapping(path = "/v1/audit-events", produces = MediaType.APPLICATION_JSON_VALUE)
    @Operation(
            operationId = "listAllAuditEvents",
            summary = "Every account's and the platform's audit events (operators), newest first, a page at a"
                    + " time. With Accept: application/x-ndjson, every matching event oldest first, one per"
                    + " line (no limit or cursor): a SIEM export")
    @EventsOrStream
    Mono<Page<AuditEvent>> allEvents(
            @Parameter(description = "One account's events") @RequestParam(required = false) String account,
            @RequestParam(required = false) String sid,
            @RequestParam(required = false) String actor,
            @ActionParameter @RequestParam(required = false) String action,
            @FromParameter @RequestParam(required = false) String from,
            @ToParameter @RequestParam(required = false) String to,
            @LimitParameter @RequestParam(defaultValue = "100") int limit,
            @CursorParameter @RequestParam(required = false) String cursor) {
        AuditQuery query = AuditQuery.of(account, sid, actor, action, from, to);
        return events.page(query, "all", PageLimit.check(limit, MAX_LIMIT), cursor);
    }

    /** Documented with {@link #allEvents}: one operation, two representations. */
    @GetMapping(path = "/v1/audit-events", produces = NDJSON)
    @Operation(hidden = true)
    Flux<AuditEvent> streamAllEvents(
            @Parameter(description = "One account's events") @RequestParam(required = false) String account,
            @RequestParam(required = false) String sid,
            @RequestParam(required = false) String actor,
            @ActionParameter @RequestParam(required = false) String action,
            @FromParameter @RequestParam(required = false) String from,
            @ToParameter @RequestParam(required = false) String to) {
        return exports.bounded(events.oldestFirst(AuditQuery.of(account, sid, actor, action, from, to)));
    }

    /** The page as {@code Page<AuditEvent>} serialises it, named for the API description. */
    record AuditEventPage(
            List<AuditEvent> items,

            @Schema(description = "The cursor of the next page; absent on the last page")
            String next) {}

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @ApiResponse(
            responseCode = "200",
            description = "A page of events (JSON), or every matching event (NDJSON)",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON_VALUE,
                        schema = @Schema(implementation = AuditEventPage.class)),
                @Content(mediaType = NDJSON, schema = @Schema(implementation = AuditEvent.class))
            })
    @interface EventsOrStream {}

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @Parameter(description = "An audit action, e.g. TOKEN_RESET (any letter case)")
    @interface ActionParameter {}

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @Parameter(
            description = "Events at or after this time (ISO-8601 with offset; encode + as %2B)",
            schema = @Schema(format = "date-time"))
    @interface FromParameter {}

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @Parameter(description = "Events before this time (ISO-8601 with offset)", schema = @Schema(format = "date-time"))
    @interface ToParameter {}

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @Parameter(description = "Events per page, 1–" + MAX_LIMIT)
    @interface LimitParameter {}

    @java.lang.annotation.Retention(java.lang.annotation.RetentionPolicy.RUNTIME)
    @Parameter(description = "The `next` of the previous page, with the same filters")
    @interface CursorParameter {}
}
