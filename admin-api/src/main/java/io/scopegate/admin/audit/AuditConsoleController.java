package io.scopegate.admin.audit;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.console.ConsoleController;
import io.scopegate.admin.token.TokenQueries;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/** The account's audit log (newest first, by token, paged) and a token's Activity tab. */
@ConsoleController
class AuditConsoleController {

    private static final int PAGE_SIZE = 50;

    private final AuditEventRepository events;
    private final AccountRepository accounts;
    private final TokenQueries tokens;
    private final ApiRepository catalog;

    AuditConsoleController(
            AuditEventRepository events, AccountRepository accounts, TokenQueries tokens, ApiRepository catalog) {
        this.events = events;
        this.accounts = accounts;
        this.tokens = tokens;
        this.catalog = catalog;
    }

    @GetMapping("/console/accounts/{account}/audit")
    Mono<String> audit(
            @PathVariable String account,
            @RequestParam(required = false) String sid,
            @RequestParam(required = false) String cursor,
            Model model) {
        AuditQuery query = AuditQuery.of(account, sid, null, null, null, null);
        return accounts.require(account)
                .zipWith(events.page(query, "console", PAGE_SIZE, cursor))
                .map(found -> {
                    model.addAttribute("account", found.getT1());
                    model.addAttribute("events", found.getT2());
                    model.addAttribute("sid", sid == null ? "" : sid);
                    model.addAttribute(
                            "nextPage",
                            found.getT2().next() == null
                                    ? null
                                    : UriComponentsBuilder.fromPath("/console/accounts/" + account + "/audit")
                                            .queryParamIfPresent("sid", java.util.Optional.ofNullable(blankToNull(sid)))
                                            .queryParam("cursor", found.getT2().next())
                                            .build()
                                            .toUriString());
                    return "audit";
                });
    }

    @GetMapping("/console/accounts/{account}/tokens/{sid}/activity")
    Mono<String> activity(
            @PathVariable String account,
            @PathVariable String sid,
            @RequestParam(required = false) String cursor,
            Model model) {
        AuditQuery query = AuditQuery.of(account, sid, null, null, null, null);
        return Mono.zip(
                        tokens.require(account, sid),
                        catalog.latestVersion(),
                        events.page(query, "console", PAGE_SIZE, cursor))
                .map(found -> {
                    model.addAttribute("token", found.getT1());
                    model.addAttribute("latest", found.getT2());
                    model.addAttribute("tab", "activity");
                    model.addAttribute("events", found.getT3());
                    model.addAttribute(
                            "nextPage",
                            found.getT3().next() == null
                                    ? null
                                    : "/console/accounts/" + account + "/tokens/" + sid + "/activity?cursor="
                                            + found.getT3().next());
                    return "token-activity";
                });
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
