package io.scopegate.admin.usage;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.scopegate.admin.token.TokenRecord;
import io.scopegate.store.scope.Scope;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Something about a token worth acting on. {@code UNUSED_SCOPES} carries the unused scopes and the
 * PATCH body that removes exactly them, so least privilege is one request away.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record Finding(String kind, String detail, List<TokenUsage.ScopeRef> scopes, Map<String, Object> patch) {

    static Finding of(String kind, String detail) {
        return new Finding(kind, detail, null, null);
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
                    Map.of("scopes", scopesWithout(token.scopes(), usage.unusedScopes()))));
        }
        long rotatedDays = Duration.between(token.credentialsRotatedAt(), now).toDays();
        if (token.credentialsRotatedAt().isBefore(now.minus(settings.rotationAfter()))) {
            findings.add(of(
                    "ROTATION_DUE",
                    "credentials last rotated " + rotatedDays
                            + " days ago; reset the token and update its integrations"));
        }
        if (token.lastUsedAt() == null) {
            findings.add(of(
                    "NEVER_USED",
                    "no request since it was created "
                            + Duration.between(token.createdAt(), now).toDays() + " days ago"));
        } else if (token.lastUsedAt().isBefore(now.minus(settings.staleAfter()))) {
            findings.add(of(
                    "STALE",
                    "last used " + Duration.between(token.lastUsedAt(), now).toDays()
                            + " days ago; disable or delete it if no one needs it"));
        }
        if (token.expiresAt() != null && !token.expiresAt().isAfter(now)) {
            findings.add(of("EXPIRED", "expired on " + token.expiresAt()));
        } else if (token.expiresAt() != null && token.expiresAt().isBefore(now.plus(settings.expiringWithin()))) {
            findings.add(of("EXPIRING_SOON", "expires on " + token.expiresAt()));
        }
        if (token.apiVersion() < latestVersion) {
            findings.add(
                    of("OLD_API_VERSION", "on API version " + token.apiVersion() + "; the latest is " + latestVersion));
        }
        if (token.primaryContact() == null && token.developerEmails().isEmpty()) {
            findings.add(of("NO_CONTACT", "no primary contact or developer emails to tell about changes"));
        }
        return findings;
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
