package io.scopegate.store.credential;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SecretCipherTest {

    private final SecretCipher cipher = new SecretCipher(new byte[32], new SecureRandom());

    // McGrew & Viega, "The Galois/Counter Mode of Operation", test case 14 (AES-256, zero key and IV).
    @Test
    void sealMatchesGcmSpecificationTestCase14() {
        byte[] sealed = cipher.seal(new byte[12], new byte[16], "");
        assertThat(HexFormat.of().formatHex(sealed))
                .isEqualTo("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919");
    }

    @Test
    void roundTripsAndNeverStoresPlaintext() {
        Secret secret = new Secret("sgt_00000000000000000000000000000007zifQ");
        byte[] stored = cipher.encrypt(secret, "ST1");
        assertThat(new String(stored, StandardCharsets.ISO_8859_1)).doesNotContain("sgt_");
        assertThat(cipher.decrypt(stored, "ST1")).isEqualTo(secret);
    }

    @Test
    void ciphertextBoundToAnotherRowDoesNotDecrypt() {
        byte[] stored = cipher.encrypt(new Secret("sgt_abc"), "ST1");
        assertThatThrownBy(() -> cipher.decrypt(stored, "ST2"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageNotContaining("sgt_");
    }

    @Test
    void sameSecretEncryptsDifferentlyEachTime() {
        Secret secret = new Secret("sgt_abc");
        assertThat(cipher.encrypt(secret, "ST1")).isNotEqualTo(cipher.encrypt(secret, "ST1"));
    }
}
