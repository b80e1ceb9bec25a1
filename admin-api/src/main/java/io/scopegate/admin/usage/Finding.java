package io.scopegate.admin.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.scopegate.admin.legacy.LegacyToken;
import io.scopegate.admin.token.TokenRecord;
import io.scopegate.store.scope.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Something about a token worth acting on. {@code UNUSED_SCOPES} carries the unused scopes and the
 * PATCH body that removes exactly them; {@code LEGACY_IN_USE} the scopes a legacy token used and the
 * POST body of a scoped token with exactly those: least privilege is one request away.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Finding(
        String kind,
        String detail,
        List<TokenUsage.ScopeRef> scopes,
        Map<String, Object> patch,
        Map<String, Object> tokenRequest) {

    static Finding of(String kind, String detail) {
        return new Finding(kind, detail, null, null, null);
    }

    /** Every finding for one token, in a fixed order. */
    static List<Finding> about(
            TokenRecord token, TokenUsage usage, int latestVersion, Instant now, ReportSettings settings) {
        List<Finding> findings = new ArrayList<>();
        if (!usage.unusedScopes().isEmpty()) {
            findings.add(new Finding(
                    "UNUSED_SCOPES",
                    usage.unusedScopes().size() + " granted scope(s) unused in " + usage.days() + " days: "
                            + String.join(
                                    ", ",
                                    usage.unusedScopes().stream()
                                            .map(TokenUsage.ScopeRef::name)
                                            .toList()),
                    usage.unusedScopes(),
                    Map.of("scopes", scopesWithout(token.scopes(), usage.unusedScopes())),
                    null));
        }
        addCredentialFindings(
                findings, token.credentialsRotatedAt(), token.createdAt(), token.lastUsedAt(), now, settings);
        if (token.expiresAt() != null && !token.expiresAt().isAfter(now)) {
            findings.add(of("EXPIRED", "expired on " + token.expiresAt()));
        } else if (token.expiresAt() != null && token.expiresAt().isBefore(now.plus(settings.expiringWithin()))) {
            findings.add(of("EXPIRING_SOON", "expires on " + token.expiresAt()));
        }
        addVersionFinding(findings, token.apiVersion(), latestVersion);
        if (token.primaryContact() == null && token.developerEmails().isEmpty()) {
            findings.add(of("NO_CONTACT", "no primary contact or developer emails to tell about changes"));
        }
        addQuotaFinding(findings, token, usage.quota());
        return findings;
    }

    /**
     * Every finding for one legacy token, in a fixed order: {@code LEGACY_IN_USE} first when it
     * served requests in the window, since moving off it is the advice that matters most.
     */
    static List<Finding> about(
            LegacyToken token, TokenUsage usage, int latestVersion, Instant now, ReportSettings settings) {
        List<Finding> findings = new ArrayList<>();
        List<TokenUsage.ScopeRef> used = usage.scopes().stream()
                .filter(scope -> scope.requests() > 0)
                .map(scope -> new TokenUsage.ScopeRef(scope.api(), scope.method()))
                .toList();
        if (token.enabled() && !used.isEmpty()) {
            findings.add(new Finding(
                    "LEGACY_IN_USE",
                    "the " + token.kind().pathSegment() + " legacy token served requests in the last "
                            + usage.days() + " days; create a scoped token with just the scopes it used"
                            + " (tokenRequest), move the integration to it, then disable this one",
                    used,
                    null,
                    Map.of(
                            "name",
                            "Replaces the " + token.kind().pathSegment() + " legacy token",
                            "apiVersion",
                            token.apiVersion(),
                            "scopes",
                            scopesOf(used))));
        }
        addCredentialFindings(
                findings, token.credentialsRotatedAt(), token.createdAt(), token.lastUsedAt(), now, settings);
        addVersionFinding(findings, token.apiVersion(), latestVersion);
        return findings;
    }

    private static void addCredentialFindings(
            List<Finding> findings,
            Instant rotatedAt,
            Instant createdAt,
            Instant lastUsedAt,
            Instant now,
            ReportSettings settings) {
        if (rotatedAt.isBefore(now.minus(settings.rotationAfter()))) {
            findings.add(of(
                    "ROTATION_DUE",
                    "credentials last rotated "
                            + Duration.between(rotatedAt, now).toDays()
                            + " days ago; reset the token and update its integrations"));
        }
        if (lastUsedAt == null) {
            findings.add(of(
                    "NEVER_USED",
                    "no request since it was created "
                            + Duration.between(createdAt, now).toDays() + " days ago"));
        } else if (lastUsedAt.isBefore(now.minus(settings.staleAfter()))) {
            findings.add(of(
                    "STALE",
                    "last used " + Duration.between(lastUsedAt, now).toDays()
                            + " days ago; disable or delete it if no one needs it"));
        }
    }

    /**
     * At or above 80 % of the day's or the month's quota: time to raise it (a plan change) or slow the
     * integration down before the gateways refuse it. Only for enabled tokens: a disabled one makes no
     * requests whatever its quota.
     */
    private static void addQuotaFinding(List<Finding> findings, TokenRecord token, QuotaUse quota) {
        if (!token.state().enabled() || quota == null || quota.nearLimit().isEmpty()) {
            return;
        }
        findings.add(of(
                "QUOTA_NEAR_LIMIT",
                String.join("; ", quota.nearLimit())
                        + "; over its quota the gateways refuse it with 429 until the quota starts again"));
    }

    private static void addVersionFinding(List<Finding> findings, int apiVersion, int latestVersion) {
        if (apiVersion < latestVersion) {
            findings.add(of("OLD_API_VERSION", "on API version " + apiVersion + "; the latest is " + latestVersion));
        }
    }

    /** (API, method) pairs grouped into a POST/PATCH {@code scopes} value. */
    private static List<Map<String, Object>> scopesOf(List<TokenUsage.ScopeRef> refs) {
        Map<String, Set<String>> byApi = new TreeMap<>();
        refs.forEach(
                ref -> byApi.computeIfAbsent(ref.api(), api -> new TreeSet<>()).add(ref.method()));
        List<Map<String, Object>> scopes = new ArrayList<>();
        byApi.forEach((api, methods) -> scopes.add(Map.of("api", api, "methods", List.copyOf(methods))));
        return scopes;
    }

    /** The token's scopes minus the unused ones, as a PATCH {@code scopes} value. */
    private static List<Map<String, Object>> scopesWithout(List<Scope> granted, List<TokenUsage.ScopeRef> unused) {
        List<Map<String, Object>> keep = new ArrayList<>();
        for (Scope scope : granted) {
            Set<String> methods = new TreeSet<>(scope.methods());
            unused.stream().filter(ref -> ref.api().equals(scope.api())).forEach(ref -> methods.remove(ref.method()));
            if (!methods.isEmpty()) {
                keep.add(Map.of("api", scope.api(), "methods", List.copyOf(methods)));
            }
        }
        return keep;
    }
}
