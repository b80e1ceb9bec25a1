package io.scopegate.admin.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.legacy.LegacyQueries;
import io.scopegate.admin.legacy.LegacyToken;
import io.scopegate.admin.token.TokenProperties;
import io.scopegate.admin.token.TokenQueries;
import io.scopegate.admin.token.TokenRecord;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import io.scopegate.store.token.TokenState;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Builds an account's token report: every token, scoped and legacy, with its findings. Shared by the
 * API and the metrics.
 */
@Component
class TokenReports {

    /**
     * @param sid        the Basic username: the token SID, or the account SID for a legacy token
     * @param legacyKind set for the account's legacy tokens only
     */
    record TokenReportEntry(
            String sid,
            @JsonInclude(JsonInclude.Include.NON_NULL) LegacyKind legacyKind,
            String name,
            TokenState state,
            List<Finding> findings) {

        /** The {@code token} label of its metrics, the same the gateway uses: SID, or {@code <account>:<KIND>}. */
        String metricsLabel() {
            return legacyKind == null ? sid : legacyKind.usageKey(sid);
        }
    }

    record TokenReport(long activeTokens, int limit, int days, List<TokenReportEntry> tokens) {}

    private final TokenQueries tokens;
    private final LegacyQueries legacy;
    private final UsageRepository usage;
    private final AccountRepository accounts;
    private final ApiRepository catalog;
    private final TokenProperties limits;
    private final ReportSettings settings;
    private final Clock clock;

    TokenReports(
            TokenQueries tokens,
            LegacyQueries legacy,
            UsageRepository usage,
            AccountRepository accounts,
            ApiRepository catalog,
            TokenProperties limits,
            ReportSettings settings,
            Clock clock) {
        this.tokens = tokens;
        this.legacy = legacy;
        this.usage = usage;
        this.accounts = accounts;
        this.catalog = catalog;
        this.limits = limits;
        this.settings = settings;
        this.clock = clock;
    }

    /** The scoped tokens, then the legacy ones (read-write first). */
    /** Over the {@code days} UTC days ending today. */
    Mono<TokenReport> report(String account, int days) {
        Instant now = clock.instant();
        LocalDate since = UsageRepository.firstDay(now, days);
        return Mono.zip(
                        tokens.all(account).collectList(),
                        legacy.all(account).collectList(),
                        usage.since(account, null, since).collectList(),
                        catalog.all().collectList(),
                        catalog.latestVersion(),
                        accounts.countActiveTokens(account, now),
                        usage.quotaCounts(account, null, now))
                .map(all -> {
                    Map<String, List<UsageRepository.Row>> rowsByToken =
                            all.getT3().stream().collect(Collectors.groupingBy(UsageRepository.Row::tokenSid));
                    int latest = all.getT5();
                    List<TokenReportEntry> entries = new ArrayList<>();
                    all.getT1()
                            .forEach(token -> entries.add(entry(
                                    token,
                                    rowsByToken.getOrDefault(token.sid(), List.of()),
                                    all.getT7().get(token.sid()),
                                    days,
                                    latest,
                                    now)));
                    all.getT2()
                            .forEach(token -> entries.add(entry(
                                    token,
                                    LegacyQueries.effectiveScopes(token.kind(), all.getT4()),
                                    rowsByToken.getOrDefault(token.usageKey(), List.of()),
                                    days,
                                    latest,
                                    now)));
                    return new TokenReport(all.getT6(), limits.maxActivePerAccount(), days, entries);
                });
    }

    private TokenReportEntry entry(
            LegacyToken token,
            List<Scope> effectiveScopes,
            List<UsageRepository.Row> rows,
            int days,
            int latest,
            Instant now) {
        return new TokenReportEntry(
                token.sid(),
                token.kind(),
                "Legacy " + token.kind().pathSegment() + " token",
                token.state(),
                Finding.about(token, TokenUsage.of(token, effectiveScopes, rows, days), latest, now, settings));
    }

    private TokenReportEntry entry(
            TokenRecord token,
            List<UsageRepository.Row> rows,
            UsageRepository.QuotaCount quotaCount,
            int days,
            int latest,
            Instant now) {
        return new TokenReportEntry(
                token.sid(),
                null,
                token.name(),
                token.state(),
                Finding.about(token, TokenUsage.of(token, rows, days, quotaCount), latest, now, settings));
    }
}
