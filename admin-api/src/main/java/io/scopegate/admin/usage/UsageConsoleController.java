package io.scopegate.admin.usage;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.console.ConsoleController;
import io.scopegate.admin.token.TokenQueries;
import java.time.Clock;
import java.time.LocalDate;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import reactor.core.publisher.Mono;

/**
 * The token page's Usage tab (requests and refusals over 30 days, each granted scope's use, and the
 * unused scopes removed in one confirmed step) and the account's Findings page, each finding linked
 * to the screen that fixes it.
 */
@ConsoleController
class UsageConsoleController {

    static final int DAYS = 30;

    private final TokenQueries tokens;
    private final UsageRepository usage;
    private final ApiRepository catalog;
    private final AccountRepository accounts;
    private final TokenReports reports;
    private final Clock clock;

    UsageConsoleController(
            TokenQueries tokens,
            UsageRepository usage,
            ApiRepository catalog,
            AccountRepository accounts,
            TokenReports reports,
            Clock clock) {
        this.tokens = tokens;
        this.usage = usage;
        this.catalog = catalog;
        this.accounts = accounts;
        this.reports = reports;
        this.clock = clock;
    }

    @GetMapping("/console/accounts/{account}/tokens/{sid}/usage")
    Mono<String> usage(@PathVariable String account, @PathVariable String sid, Model model) {
        return usageModel(account, sid, model).thenReturn("token-usage");
    }

    /** The confirmation of "remove unused scopes": what goes, what stays; it posts to the Scopes tab. */
    @GetMapping("/console/accounts/{account}/tokens/{sid}/usage/remove-unused")
    Mono<String> confirmRemoveUnused(@PathVariable String account, @PathVariable String sid, Model model) {
        return usageModel(account, sid, model).thenReturn("token-remove-unused");
    }

    @GetMapping("/console/accounts/{account}/findings")
    Mono<String> findings(@PathVariable String account, Model model) {
        return accounts.require(account).zipWith(reports.report(account, DAYS)).map(found -> {
            model.addAttribute("account", found.getT1());
            model.addAttribute("report", found.getT2());
            return "findings";
        });
    }

    private Mono<Void> usageModel(String account, String sid, Model model) {
        return tokens.require(account, sid)
                .zipWith(catalog.latestVersion())
                .flatMap(found -> Mono.zip(
                                usage.since(account, sid, since()).collectList(),
                                usage.quotaCounts(account, sid, clock.instant()))
                        .doOnNext(counted -> {
                            TokenUsage measured = TokenUsage.of(
                                    found.getT1(),
                                    counted.getT1(),
                                    DAYS,
                                    counted.getT2().get(sid));
                            model.addAttribute("token", found.getT1());
                            model.addAttribute("latest", found.getT2());
                            model.addAttribute("tab", "usage");
                            model.addAttribute("usage", measured);
                            model.addAttribute("kept", ScopeSelection.keptAfterRemoving(found.getT1(), measured));
                        }))
                .then();
    }

    private LocalDate since() {
        return UsageRepository.firstDay(clock.instant(), DAYS);
    }
}
