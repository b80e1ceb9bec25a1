package io.scopegate.admin.audit;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditEventRepository.AuditEvent;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.openapi.ProblemResponses;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /v1/accounts/{account}/audit-events}: newest first. */
@RestController
@Tag(name = "Audit", description = "Every change and every read of a secret, per account")
class AuditController {

    static final int MAX_LIMIT = 1000;

    record AuditEvents(List<AuditEvent> items) {}

    private final AuditEventRepository events;
    private final AccountRepository accounts;

    AuditController(AuditEventRepository events, AccountRepository accounts) {
        this.events = events;
        this.accounts = accounts;
    }

    @GetMapping("/v1/accounts/{account}/audit-events")
    @Operation(
            operationId = "listAuditEvents",
            summary = "The account's audit events, newest first; sid narrows to one token")
    @ApiResponse(responseCode = "200", description = "The events")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
    Mono<AuditEvents> list(
            @PathVariable String account,
            @RequestParam(required = false) String sid,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            return Mono.error(ApiProblem.invalid("limit", "must be between 1 and " + MAX_LIMIT));
        }
        return accounts.requireExists(account)
                .thenMany(events.newest(account, sid, limit))
                .collectList()
                .map(AuditEvents::new);
    }
}
