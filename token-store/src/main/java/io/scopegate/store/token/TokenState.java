package io.scopegate.store.token;

/**
 * A scoped token's state, as the {@code tokens.state} column holds it. Only {@code ENABLED} tokens
 * pass the gateway and count toward an account's active-token limit.
 */
public enum TokenState {
    ENABLED,
    DISABLED;

    public boolean active() {
        return this == ENABLED;
    }
}
