package io.scopegate.admin.usage;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.token.TokenProperties;
import io.scopegate.admin.token.TokenQueries;
import io.scopegate.admin.token.TokenRecord;
import io.scopegate.store.token.TokenState;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Builds an account's token report: every token with its findings. Shared by the API and the metrics. */
@Component
class TokenReports {

    record TokenReportEntry(String sid, String name, TokenState state, List<Finding> findings) {}

    record TokenReport(long activeTokens, int limit, int days, List<TokenReportEntry> tokens) {}

    private final TokenQueries tokens;
    private final UsageRepository usage;
    private final AccountRepository accounts;
    private final ApiRepository catalog;
    private final TokenProperties limits;
    private final ReportSettings settings;
    private final Clock clock;

    TokenReports(
            TokenQueries tokens,
            UsageRepository usage,
            AccountRepository accounts,
            ApiRepository catalog,
            TokenProperties limits,
            ReportSettings settings,
            Clock clock) {
        this.tokens = tokens;
        this.usage = usage;
        this.accounts = accounts;
        this.catalog = catalog;
        this.limits = limits;
        this.settings = settings;
        this.clock = clock;
    }

    Mono<TokenReport> report(String account, int days, LocalDate since) {
        Instant now = clock.instant();
        return Mono.zip(
                        tokens.all(account).collectList(),
                        usage.since(account, null, since).collectList(),
                        catalog.latestVersion(),
                        accounts.countActiveTokens(account, now))
                .map(all -> {
                    Map<String, List<UsageRepository.Row>> rowsByToken =
                            all.getT2().stream().collect(Collectors.groupingBy(UsageRepository.Row::tokenSid));
                    List<TokenReportEntry> entries = all.getT1().stream()
                            .map(token -> entry(
                                    token, rowsByToken.getOrDefault(token.sid(), List.of()), days, all.getT3(), now))
                            .toList();
                    return new TokenReport(all.getT4(), limits.maxActivePerAccount(), days, entries);
                });
    }

    private TokenReportEntry entry(
            TokenRecord token, List<UsageRepository.Row> rows, int days, int latest, Instant now) {
        return new TokenReportEntry(
                token.sid(),
                token.name(),
                token.state(),
                Finding.about(token, TokenUsage.of(token, rows, days), latest, now, settings));
    }
}
