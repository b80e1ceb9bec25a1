package io.scopegate.admin.offboarding;

import io.scopegate.store.scope.LegacyKind;
import java.util.List;

/**
 * What one {@code disable-all} call disabled: the scoped tokens (SID and name) and the legacy kinds
 * that were enabled until then. Tokens that were already disabled are not listed: the call changed
 * nothing about them.
 */
public record DisabledCredentials(String accountSid, List<DisabledToken> tokens, List<LegacyKind> legacyTokens) {

    public record DisabledToken(String sid, String name) {}

    public int count() {
        return tokens.size() + legacyTokens.size();
    }
}
