package io.scopegate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class BasicCredentialsTest {

    private static String basic(String pair) {
        return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void parsesUsernameAndSecretSplittingAtTheFirstColon() {
        BasicCredentials credentials = BasicCredentials.parse(basic("ST123:sgt_secret:with:colons"));
        assertThat(credentials.username()).isEqualTo("ST123");
        assertThat(credentials.secret()).isEqualTo("sgt_secret:with:colons");
        assertThat(BasicCredentials.parse("basic " + basic("a:b").substring(6))).isNotNull();
    }

    @ParameterizedTest
    @NullSource
    @ValueSource(
            strings = {
                "",
                "Basic",
                "Basic ",
                "Bearer abc",
                "Basic !!!",
                "Basic YWJj",
                "Basic OmFiYw==",
                "Basic YWJjOg=="
            })
    void refusesAnythingElse(String header) {
        // YWJj = "abc" (no colon), OmFiYw== = ":abc" (no username), YWJjOg== = "abc:" (no secret)
        assertThat(BasicCredentials.parse(header)).isNull();
    }

    @Test
    void refusesOversizedHeadersBeforeDecoding() {
        assertThat(BasicCredentials.parse(basic("ST1:" + "x".repeat(BasicCredentials.MAX_HEADER_LENGTH))))
                .isNull();
    }

    @Test
    void neverPrintsTheSecret() {
        assertThat(BasicCredentials.parse(basic("ST1:sgt_topsecret")).toString())
                .doesNotContain("topsecret");
    }
}
