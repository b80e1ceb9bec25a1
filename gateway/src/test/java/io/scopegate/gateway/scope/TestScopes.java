package io.scopegate.gateway.scope;

/** The scope policy for other packages' unit tests. */
public final class TestScopes {

    private TestScopes() {}

    public static ScopePolicy policy() {
        return new ScopePolicy();
    }
}
