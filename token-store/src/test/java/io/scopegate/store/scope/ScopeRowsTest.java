package io.scopegate.store.scope;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ScopeRowsTest {

    @Test
    void groupsPairsToOneScopePerApiInIdOrder() {
        List<Scope> scopes = ScopeRows.group(new String[] {"reports GET", "campaigns POST", "campaigns GET"});

        assertThat(scopes)
                .containsExactly(new Scope("campaigns", Set.of("GET", "POST")), new Scope("reports", Set.of("GET")));
    }

    @Test
    void noRowsIsNoScopes() {
        assertThat(ScopeRows.group(null)).isEmpty();
        assertThat(ScopeRows.group(new String[0])).isEmpty();
    }

    @Test
    void aPairWithoutItsMethodIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> ScopeRows.group(new String[] {"campaigns"}));
    }
}
