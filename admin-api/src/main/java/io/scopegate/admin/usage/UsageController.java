package io.scopegate.admin.usage;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.legacy.LegacyKindParameter;
import io.scopegate.admin.legacy.LegacyQueries;
import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.token.TokenQueries;
import io.scopegate.store.scope.LegacyKind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.time.LocalDate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Usage of one token, and the account's token report: which granted scopes go unused, which
 * credentials are due for rotation, which tokens are stale, never used, expiring or behind.
 */
@RestController
@Tag(name = "Usage", description = "How tokens are used, and what to do about them")
@ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
@ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
@ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
class UsageController {

    static final int MAX_DAYS = 400;

    private final TokenQueries tokens;
    private final LegacyQueries legacy;
    private final ApiRepository catalog;
    private final UsageRepository usage;
    private final AccountRepository accounts;
    private final TokenReports reports;
    private final Clock clock;

    UsageController(
            TokenQueries tokens,
            LegacyQueries legacy,
            ApiRepository catalog,
            UsageRepository usage,
            AccountRepository accounts,
            TokenReports reports,
            Clock clock) {
        this.tokens = tokens;
        this.legacy = legacy;
        this.catalog = catalog;
        this.usage = usage;
        this.accounts = accounts;
        this.reports = reports;
        this.clock = clock;
    }

    @GetMapping("/v1/accounts/{account}/tokens/{sid}/usage")
    @Operation(
            operationId = "readTokenUsage",
            summary = "One token's requests over `days` days, per granted scope; its unused scopes")
    @ApiResponse(responseCode = "200", description = "The token's usage")
    Mono<TokenUsage> tokenUsage(
            @PathVariable String account, @PathVariable String sid, @RequestParam(defaultValue = "30") int days) {
        LocalDate since = since(days);
        return accounts.requireExists(account)
                .then(tokens.require(account, sid))
                .flatMap(token -> Mono.zip(
                                usage.since(account, sid, since).collectList(),
                                usage.quotaCounts(account, sid, clock.instant()))
                        .map(found -> TokenUsage.of(
                                token, found.getT1(), days, found.getT2().get(sid))));
    }

    @GetMapping("/v1/accounts/{account}/legacy-tokens/{kind}/usage")
    @Operation(
            operationId = "readLegacyTokenUsage",
            summary = "One legacy token's requests over `days` days, per (API, method) its kind may use")
    @ApiResponse(
            responseCode = "200",
            description = "The legacy token's usage; the used scopes are what a" + " scoped token replacing it needs")
    Mono<TokenUsage> legacyTokenUsage(
            @PathVariable String account,
            @LegacyKindParameter @PathVariable("kind") String segment,
            @RequestParam(defaultValue = "30") int days) {
        LocalDate since = since(days);
        LegacyKind kind = LegacyQueries.kindNamed(segment);
        return accounts.requireExists(account)
                .then(legacy.require(account, kind))
                .zipWith(catalog.all().collectList())
                .flatMap(found -> usage.since(account, found.getT1().usageKey(), since)
                        .collectList()
                        .map(rows -> TokenUsage.of(
                                found.getT1(), LegacyQueries.effectiveScopes(kind, found.getT2()), rows, days)));
    }

    @GetMapping("/v1/accounts/{account}/token-report")
    @Operation(
            operationId = "readTokenReport",
            summary = "Every token of the account with its findings (unused scopes, rotation due, …)")
    @ApiResponse(responseCode = "200", description = "The report")
    Mono<TokenReports.TokenReport> report(@PathVariable String account, @RequestParam(defaultValue = "30") int days) {
        checkDays(days);
        return accounts.requireExists(account).then(reports.report(account, days));
    }

    /** The first UTC day of a window of {@code days} days ending today. */
    private LocalDate since(int days) {
        checkDays(days);
        return UsageRepository.firstDay(clock.instant(), days);
    }

    private static void checkDays(int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw ApiProblem.invalid("days", "must be between 1 and " + MAX_DAYS);
        }
    }
}
