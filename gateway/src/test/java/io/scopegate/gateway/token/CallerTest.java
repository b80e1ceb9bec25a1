package io.scopegate.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CallerTest {

    @Test
    void scopedCallerMayDoOnlyWhatItsScopesGrant() {
        Caller caller =
                new Caller("AC1", "ST1", 1, List.of(new Scope("campaigns", Set.of("GET"))), null, null, null, null);
        assertThat(caller.permits("campaigns", "GET")).isTrue();
        assertThat(caller.permits("campaigns", "HEAD")).isTrue();
        assertThat(caller.permits("campaigns", "POST")).isFalse();
        assertThat(caller.permits("reports", "GET")).isFalse();
    }

    @Test
    void legacyCallersFollowTheirKind() {
        Caller readOnly = new Caller("AC1", "AC1:READ_ONLY", 1, List.of(), LegacyKind.READ_ONLY, null, null, null);
        Caller readWrite = new Caller("AC1", "AC1:READ_WRITE", 1, List.of(), LegacyKind.READ_WRITE, null, null, null);
        assertThat(readOnly.permits("any", "GET")).isTrue();
        assertThat(readOnly.permits("any", "DELETE")).isFalse();
        assertThat(readWrite.permits("any", "DELETE")).isTrue();
    }
}
