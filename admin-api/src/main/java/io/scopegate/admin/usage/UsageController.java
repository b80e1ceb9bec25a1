package io.scopegate.admin.usage;

import io.scopegate.admin.account.Accounts;
import io.scopegate.admin.catalog.ApiCatalog;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.token.TokenProperties;
import io.scopegate.admin.token.TokenQueries;
import io.scopegate.admin.token.TokenRecord;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
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
class UsageController {

    static final int MAX_DAYS = 400;

    record TokenReportEntry(String sid, String name, String state, List<Finding> findings) {
    }

    record TokenReport(long activeTokens, int limit, int days, List<TokenReportEntry> tokens) {
    }

    private final TokenQueries tokens;
    private final UsageRows usage;
    private final Accounts accounts;
    private final ApiCatalog catalog;
    private final TokenProperties limits;
    private final ReportSettings settings;
    private final Clock clock;

    UsageController(TokenQueries tokens, UsageRows usage, Accounts accounts, ApiCatalog catalog, TokenProperties limits,
            ReportSettings settings, Clock clock) {
        this.tokens = tokens;
        this.usage = usage;
        this.accounts = accounts;
        this.catalog = catalog;
        this.limits = limits;
        this.settings = settings;
        this.clock = clock;
    }

    @GetMapping("/v1/accounts/{account}/tokens/{sid}/usage")
    Mono<TokenUsage> tokenUsage(@PathVariable String account, @PathVariable String sid, @RequestParam(defaultValue = "30") int days) {
        LocalDate since = since(days);
        return accounts.requireExists(account)
                .then(tokens.require(account, sid))
                .flatMap(token -> usage.since(account, sid, since).collectList()
                        .map(rows -> TokenUsage.of(token, rows, days)));
    }

    @GetMapping("/v1/accounts/{account}/token-report")
    Mono<TokenReport> report(@PathVariable String account, @RequestParam(defaultValue = "30") int days) {
        LocalDate since = since(days);
        Instant now = clock.instant();
        return accounts.requireExists(account)
                .then(Mono.zip(tokens.all(account).collectList(),
                        usage.since(account, null, since).collectList(),
                        catalog.latestVersion(),
                        accounts.countEnabledTokens(account)))
                .map(all -> {
                    Map<String, List<UsageRows.Row>> rowsByToken = all.getT2().stream()
                            .collect(Collectors.groupingBy(UsageRows.Row::tokenSid));
                    List<TokenReportEntry> entries = all.getT1().stream()
                            .map(token -> entry(token, rowsByToken.getOrDefault(token.sid(), List.of()), days, all.getT3(), now))
                            .toList();
                    return new TokenReport(all.getT4(), limits.maxActivePerAccount(), days, entries);
                });
    }

    private TokenReportEntry entry(TokenRecord token, List<UsageRows.Row> rows, int days, int latest, Instant now) {
        return new TokenReportEntry(token.sid(), token.name(), token.state(),
                Finding.about(token, TokenUsage.of(token, rows, days), latest, now, settings));
    }

    /** The first UTC day of a window of {@code days} days ending today. */
    private LocalDate since(int days) {
        if (days < 1 || days > MAX_DAYS) {
            throw ApiProblem.invalid("days", "must be between 1 and " + MAX_DAYS);
        }
        return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(days - 1L);
    }
}
