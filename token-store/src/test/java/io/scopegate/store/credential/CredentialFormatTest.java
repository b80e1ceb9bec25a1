package io.scopegate.store.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CredentialFormatTest {

    private final CredentialFormat format = new CredentialFormat(new SecureRandom());

    // Known answers computed independently (Python zlib.crc32 + base62 over "0-9A-Za-z").
    @ParameterizedTest
    @CsvSource({
        "sgt_000000000000000000000000000000, 07zifQ",
        "sgt_aB3dE5fG7hI9jK1lM3nO5pQ7rS9tU1, 2z9DQ8",
        "sgl_zzzzzzzzzzzzzzzzzzzzzzzzzzzzzz, 1ptnx4"
    })
    void checksumIsBase62Crc32OfPrefixAndRandomPart(String body, String checksum) {
        assertThat(CredentialFormat.checksum(body)).isEqualTo(checksum);
        assertThat(CredentialFormat.isWellFormed(body + checksum)).isTrue();
    }

    @Test
    void generatedSecretsMatchThePublishedPatternAndAreWellFormed() {
        for (CredentialFormat.Kind kind : CredentialFormat.Kind.values()) {
            String secret = format.generate(kind).value();
            assertThat(secret).startsWith(kind.prefix()).hasSize(40);
            assertThat(CredentialFormat.PATTERN.matcher("token=" + secret + ";").find())
                    .isTrue();
            assertThat(CredentialFormat.isWellFormed(secret)).isTrue();
        }
    }

    @Test
    void generatedSecretsDoNotRepeat() {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            assertThat(seen.add(format.generate(CredentialFormat.Kind.SCOPED).value()))
                    .isTrue();
        }
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "sgt_00000000000000000000000000000007zifq", // checksum case flipped
                "sgt_00000000000000000000000000000107zifQ", // one random character changed
                "sgx_00000000000000000000000000000007zifQ", // unknown prefix
                "sgt_0000000000000000000000000000000007zifQ", // too long
                "sgt_0000000000000000000000000000007zifQ", // too short
                "sgt_00000000000000000000000000000-07zifQ" // outside the alphabet
            })
    void mangledSecretsAreRejectedWithoutLookup(String candidate) {
        assertThat(CredentialFormat.isWellFormed(candidate)).isFalse();
    }

    @Test
    void secretToStringNeverShowsTheValue() {
        Secret secret = format.generate(CredentialFormat.Kind.SCOPED);
        assertThat(secret.toString()).doesNotContain(secret.value()).doesNotContain("sgt_");
    }
}
