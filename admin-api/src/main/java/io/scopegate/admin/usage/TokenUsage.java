package io.scopegate.admin.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.scopegate.admin.legacy.LegacyToken;
import io.scopegate.admin.token.TokenRecord;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One token's use over a window, compared with what it was granted: per granted scope how often it
 * was used, which granted scopes were never used, and what was refused and why (so an integration
 * developer sees "campaigns:POST, out_of_scope" rather than guessing). For a legacy token
 * ({@code legacyKind} set, {@code sid} the account SID) "granted" is what its kind may do on the
 * catalog, and the used scopes are what a scoped token replacing it needs. A token with a quota also
 * gets what it used of it today and this month ({@code quota}; null otherwise and for legacy tokens).
 */
record TokenUsage(
        String sid,
        @JsonInclude(JsonInclude.Include.NON_NULL) LegacyKind legacyKind,
        int days,
        long requests,
        long denied,
        @Schema(nullable = true) Instant lastUsedAt,
        List<ScopeUse> scopes,
        List<ScopeRef> unusedScopes,
        List<Denial> denials,
        QuotaUse quota) {

    static final String ALLOWED = "allowed";

    record ScopeRef(String api, String method) {

        String name() {
            return api + ":" + method;
        }
    }

    record ScopeUse(
            String api,
            String method,
            long requests,
            @Schema(nullable = true) Instant lastUsedAt) {}

    record Denial(String api, String method, String outcome, long requests) {}

    /** @param quotaCount what the token used of its quota, or null when it made no allowed request this month */
    static TokenUsage of(
            TokenRecord token, List<UsageRepository.Row> rows, int days, UsageRepository.QuotaCount quotaCount) {
        return of(token.sid(), null, token.lastUsedAt(), token.scopes(), rows, days)
                .withQuota(QuotaUse.of(token.quota(), quotaCount));
    }

    /** A legacy token's usage, measured against what its kind may do on today's catalog. */
    static TokenUsage of(LegacyToken token, List<Scope> effectiveScopes, List<UsageRepository.Row> rows, int days) {
        // A legacy usage key outlives a deleted token: rows last touched before this one was created
        // belong to its predecessor (a gateway may flush them after the delete).
        List<UsageRepository.Row> own = rows.stream()
                .filter(row -> !row.lastUsedAt().isBefore(token.createdAt()))
                .toList();
        return of(token.sid(), token.kind(), token.lastUsedAt(), effectiveScopes, own, days);
    }

    private static TokenUsage of(
            String sid,
            LegacyKind legacyKind,
            Instant lastUsedAt,
            List<Scope> granted,
            List<UsageRepository.Row> rows,
            int days) {
        long requests = 0;
        long denied = 0;
        List<Denial> denials = new ArrayList<>();
        for (UsageRepository.Row row : rows) {
            requests += row.requests();
            if (!ALLOWED.equals(row.outcome())) {
                denied += row.requests();
                denials.add(new Denial(row.api(), row.method(), row.outcome(), row.requests()));
            }
        }
        List<ScopeUse> scopes = new ArrayList<>();
        List<ScopeRef> unused = new ArrayList<>();
        for (Scope scope : granted) {
            for (String method : scope.methods()) {
                ScopeUse use = use(scope.api(), method, rows);
                scopes.add(use);
                if (use.requests() == 0) {
                    unused.add(new ScopeRef(scope.api(), method));
                }
            }
        }
        denials.sort(Comparator.comparing(Denial::requests).reversed());
        return new TokenUsage(sid, legacyKind, days, requests, denied, lastUsedAt, scopes, unused, denials, null);
    }

    private TokenUsage withQuota(QuotaUse use) {
        return new TokenUsage(sid, legacyKind, days, requests, denied, lastUsedAt, scopes, unusedScopes, denials, use);
    }

    /** Allowed requests a granted (API, method) served; a HEAD is a use of the GET scope that allowed it. */
    private static ScopeUse use(String api, String method, List<UsageRepository.Row> rows) {
        long requests = 0;
        Instant last = null;
        for (UsageRepository.Row row : rows) {
            boolean sameMethod = method.equals(row.method()) || ("GET".equals(method) && "HEAD".equals(row.method()));
            if (ALLOWED.equals(row.outcome()) && api.equals(row.api()) && sameMethod) {
                requests += row.requests();
                last = last == null || row.lastUsedAt().isAfter(last) ? row.lastUsedAt() : last;
            }
        }
        return new ScopeUse(api, method, requests, last);
    }
}
