package io.scopegate.admin.audit;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditEventRepository.AuditEvent;
import io.scopegate.admin.error.ApiProblem;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code GET /v1/accounts/{account}/audit-events}: newest first. */
@RestController
class AuditController {

    static final int MAX_LIMIT = 1000;

    record AuditEvents(List<AuditEvent> items) {
    }

    private final AuditEventRepository events;
    private final AccountRepository accounts;

    AuditController(AuditEventRepository events, AccountRepository accounts) {
        this.events = events;
        this.accounts = accounts;
    }

    @GetMapping("/v1/accounts/{account}/audit-events")
    Mono<AuditEvents> list(@PathVariable String account, @RequestParam(required = false) String sid,
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
