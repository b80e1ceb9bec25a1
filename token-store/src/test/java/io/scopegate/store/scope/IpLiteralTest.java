package io.scopegate.store.scope;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class IpLiteralTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "10.0.0.1",
                "10.0.0.0/8",
                "0.0.0.0/0",
                "203.0.113.7/32",
                "::1",
                "2001:db8::/32",
                "::ffff:10.0.0.1"
            })
    void acceptsLiteralsAndCidrs(String text) {
        assertThat(IpLiteral.isCidr(text)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "localhost",
                "example.com",
                "10.0.0.256",
                "10.0.0.0/33",
                "2001:db8::/129",
                "10.0.0.1/",
                "1.2.3",
                "::g",
                "10.0.0.1/-1"
            })
    void refusesEverythingElseWithoutResolvingIt(String text) {
        assertThat(IpLiteral.isCidr(text)).isFalse();
    }
}
