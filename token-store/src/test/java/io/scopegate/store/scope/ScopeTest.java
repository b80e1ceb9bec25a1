package io.scopegate.store.scope;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeTest {

    private final List<Scope> scopes =
            List.of(new Scope("campaigns", Set.of("GET")), new Scope("reports", Set.of("GET", "POST")));

    @Test
    void grantsOnlyListedApiAndMethod() {
        assertThat(Scope.anyPermits(scopes, "campaigns", "GET")).isTrue();
        assertThat(Scope.anyPermits(scopes, "reports", "POST")).isTrue();
        assertThat(Scope.anyPermits(scopes, "campaigns", "POST")).isFalse();
        assertThat(Scope.anyPermits(scopes, "invoices", "GET")).isFalse();
    }

    @Test
    void headFollowsGet() {
        assertThat(Scope.anyPermits(scopes, "campaigns", "HEAD")).isTrue();
        assertThat(Scope.anyPermits(List.of(new Scope("x", Set.of("POST"))), "x", "HEAD"))
                .isFalse();
    }

    @Test
    void noScopesDeniesEverything() {
        assertThat(Scope.anyPermits(List.of(), "campaigns", "GET")).isFalse();
    }

    @Test
    void legacyReadOnlyReadsAndReadWriteDoesEverything() {
        assertThat(LegacyKind.READ_ONLY.permits("GET")).isTrue();
        assertThat(LegacyKind.READ_ONLY.permits("HEAD")).isTrue();
        assertThat(LegacyKind.READ_ONLY.permits("POST")).isFalse();
        assertThat(LegacyKind.READ_WRITE.permits("DELETE")).isTrue();
    }
}
