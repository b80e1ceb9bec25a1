package io.scopegate.store.credential;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class KeyedHasherTest {

    @Test
    void matchesRfc4231TestCase2() {
        KeyedHasher hasher = new KeyedHasher("Jefe".getBytes(StandardCharsets.US_ASCII));
        byte[] mac = hasher.hash("what do ya want for nothing?");
        assertThat(HexFormat.of().formatHex(mac))
                .isEqualTo("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    }

    @Test
    void matchesRfc4231TestCase1() {
        byte[] key = new byte[20];
        java.util.Arrays.fill(key, (byte) 0x0b);
        byte[] mac = new KeyedHasher(key).hash("Hi There".getBytes(StandardCharsets.US_ASCII));
        assertThat(HexFormat.of().formatHex(mac))
                .isEqualTo("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    }

    @Test
    void differentKeysGiveDifferentHashes() {
        byte[] a = new KeyedHasher(new byte[32]).hash("sgt_x");
        byte[] b = new KeyedHasher(new byte[] {1}).hash("sgt_x");
        assertThat(a).isNotEqualTo(b);
    }

    @Test
    void previousSecretPassesOnlyInsideItsGracePeriod() {
        KeyedHasher hasher = new KeyedHasher(new byte[32]);
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        StoredCredential stored = new StoredCredential(hasher.hash("new"), hasher.hash("old"), now.plusSeconds(60));

        assertThat(stored.accepts(hasher, "new", now)).isTrue();
        assertThat(stored.accepts(hasher, "old", now.plusSeconds(59))).isTrue();
        assertThat(stored.accepts(hasher, "old", now.plusSeconds(60))).isFalse();
        assertThat(stored.accepts(hasher, "other", now)).isFalse();
        assertThat(StoredCredential.of(hasher.hash("new")).accepts(hasher, "old", now))
                .isFalse();
    }

    @Test
    void toStringsDoNotLeakKeysOrHashes() {
        KeyedHasher hasher = new KeyedHasher(new byte[32]);
        StoredCredential stored = StoredCredential.of(hasher.hash("secret"));
        assertThat(hasher.toString()).doesNotContain("[0");
        assertThat(stored.toString()).contains("redacted").doesNotContain("[B@");
    }
}
