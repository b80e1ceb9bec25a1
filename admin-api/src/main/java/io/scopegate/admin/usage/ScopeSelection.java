package io.scopegate.admin.usage;

import io.scopegate.admin.token.TokenRecord;
import java.util.ArrayList;
import java.util.List;

/** The scope picker's values ({@code api:METHOD}) a token keeps when its unused scopes go. */
final class ScopeSelection {

    private ScopeSelection() {}

    static List<String> keptAfterRemoving(TokenRecord token, TokenUsage usage) {
        List<String> kept = new ArrayList<>();
        token.scopes()
                .forEach(scope -> scope.methods().forEach(method -> {
                    boolean unused = usage.unusedScopes().stream()
                            .anyMatch(ref -> ref.api().equals(scope.api())
                                    && ref.method().equals(method));
                    if (!unused) {
                        kept.add(scope.api() + ":" + method);
                    }
                }));
        return kept;
    }
}
