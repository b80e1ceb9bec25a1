package io.scopegate.store.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

@Tag("security")
class SidsTest {

    private final Sids sids = new Sids(new SecureRandom());

    @Test
    void everySidTheStoreCanHoldIsAWellFormedUsername() {
        assertThat(Sids.isWellFormedUsername(sids.newTokenSid())).isTrue();
        assertThat(Sids.isWellFormedUsername(sids.newAccountSid())).isTrue();
        assertThat(Sids.isWellFormedUsername("DEMO")).isTrue();
        assertThat(Sids.isWellFormedUsername("AB")).isTrue();
        assertThat(Sids.isWellFormedUsername("a".repeat(64))).isTrue();
    }

    /** The same language as the patterns the store's SIDs are checked with, token or account. */
    @Test
    void agreesWithTheSidPatterns() {
        for (String candidate : new String[] {"ST" + "a".repeat(32), "DEMO", "x", "A".repeat(65), "AC-1", "Ab9"}) {
            assertThat(Sids.isWellFormedUsername(candidate))
                    .as(candidate)
                    .isEqualTo(Sids.isTokenSid(candidate) || Sids.isValidAccountSid(candidate));
        }
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(
            strings = {
                "D",
                "DEMO\u0000",
                "\u0000",
                "DE\u0001MO",
                "DEMO\r\nX-Injected: 1",
                "DEMO ",
                "DEMO'--",
                "D%00",
                "DÉMO",
                "ＤＥＭＯ",
                "ST0123456789abcdef0123456789abcdef\u0000"
            })
    void anythingElseIsNot(String candidate) {
        assertThat(Sids.isWellFormedUsername(candidate)).isFalse();
        assertThat(Sids.isWellFormedUsername("A".repeat(65))).isFalse();
    }
}
