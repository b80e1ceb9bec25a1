package io.scopegate.store.token;

/**
 * A scoped token's state, as the {@code tokens.state} column holds it. Only {@code ENABLED} tokens
 * pass the gateway; an enabled token that has not expired is "active" and counts toward the
 * account's limit.
 */
public enum TokenState {
    ENABLED,
    DISABLED;

    public boolean enabled() {
        return this == ENABLED;
    }
}
