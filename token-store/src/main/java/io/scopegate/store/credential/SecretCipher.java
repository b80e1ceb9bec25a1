package io.scopegate.store.credential;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for the one reason a secret is kept reversibly: showing it again through
 * {@code credentials}. The token SID is the associated data, so a ciphertext copied onto another row
 * does not decrypt. Layout: version byte, 12-byte random nonce, ciphertext with 16-byte tag.
 */
public final class SecretCipher {

    private static final byte VERSION = 1;
    private static final int NONCE_LENGTH = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final SecureRandom random;

    public SecretCipher(byte[] key, SecureRandom random) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException("AES-GCM key must be 32 bytes (AES-256)");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.random = random;
    }

    public byte[] encrypt(Secret secret, String boundTo) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        byte[] sealed = seal(nonce, secret.value().getBytes(StandardCharsets.UTF_8), boundTo);
        return ByteBuffer.allocate(1 + NONCE_LENGTH + sealed.length)
                .put(VERSION)
                .put(nonce)
                .put(sealed)
                .array();
    }

    public Secret decrypt(byte[] stored, String boundTo) {
        if (stored == null || stored.length < 1 + NONCE_LENGTH + TAG_BITS / 8 || stored[0] != VERSION) {
            throw new IllegalArgumentException("not a Scopegate ciphertext");
        }
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, stored, 1, NONCE_LENGTH));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            byte[] plain = cipher.doFinal(stored, 1 + NONCE_LENGTH, stored.length - 1 - NONCE_LENGTH);
            return new Secret(new String(plain, StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            // Wrong key, wrong row or tampering: the message must not echo any of the input.
            throw new IllegalStateException("stored secret could not be decrypted");
        }
    }

    byte[] seal(byte[] nonce, byte[] plain, String boundTo) {
        try {
            Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
            cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            cipher.updateAAD(boundTo.getBytes(StandardCharsets.UTF_8));
            return cipher.doFinal(plain);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    @Override
    public String toString() {
        return "SecretCipher[AES-256-GCM]";
    }
}
