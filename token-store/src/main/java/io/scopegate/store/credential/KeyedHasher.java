package io.scopegate.store.credential;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * HMAC-SHA-256 of a secret under a server-side key: what the store keeps for verification. A keyed
 * hash (not a slow KDF) because secrets carry 178 random bits, so brute force is hopeless anyway, and
 * the gateway verifies on every request; the key means a stolen database alone verifies nothing.
 */
public final class KeyedHasher {

    private static final String ALGORITHM = "HmacSHA256";

    private final SecretKeySpec key;
    // Mac is stateful and not thread-safe; one per thread avoids a lookup and a lock per request.
    private final ThreadLocal<Mac> macs;

    public KeyedHasher(byte[] key) {
        if (key == null || key.length == 0) {
            throw new IllegalArgumentException("HMAC key must not be empty");
        }
        this.key = new SecretKeySpec(key.clone(), ALGORITHM);
        this.macs = ThreadLocal.withInitial(this::newMac);
    }

    public byte[] hash(CharSequence secret) {
        Mac mac = macs.get();
        return mac.doFinal(secret.toString().getBytes(StandardCharsets.UTF_8));
    }

    public byte[] hash(byte[] message) {
        return macs.get().doFinal(message);
    }

    /** Constant-time comparison of the secret's hash with a stored hash. */
    public boolean matches(CharSequence secret, byte[] storedHash) {
        return storedHash != null && MessageDigest.isEqual(hash(secret), storedHash);
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance(ALGORITHM);
            mac.init(key);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA-256 is not available", e);
        }
    }

    @Override
    public String toString() {
        return "KeyedHasher[HmacSHA256]";
    }
}
