package io.scopegate.admin.credential;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.credential.CredentialProperties;
import io.scopegate.store.credential.KeyedHasher;
import io.scopegate.store.credential.Secret;
import io.scopegate.store.credential.SecretCipher;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * Issues, rotates and reveals secrets. The only class in admin-api that sees a plaintext secret
 * besides the response that carries it to the caller.
 */
@Component
public class Credentials {

    /** A reset may keep the old secret working for at most a week, as the contract allows. */
    public static final Duration MAX_GRACE = Duration.ofDays(7);

    private final CredentialFormat format;
    private final KeyedHasher hasher;
    private final SecretCipher cipher;

    Credentials(CredentialFormat format, KeyedHasher hasher, CredentialProperties properties, SecureRandom random) {
        this.format = format;
        this.hasher = hasher;
        // With retrieval off no ciphertext is ever written, so no encryption key is needed either.
        this.cipher = properties.retrievable() ? new SecretCipher(properties.encryptionKeyBytes(), random) : null;
    }

    /** @param boundTo the row the ciphertext belongs to: the token SID, or account SID and legacy kind */
    public IssuedSecret issue(CredentialFormat.Kind kind, String boundTo) {
        Secret secret = format.generate(kind);
        return new IssuedSecret(
                secret, hasher.hash(secret.value()), cipher == null ? null : cipher.encrypt(secret, boundTo));
    }

    /** A new secret; the current one keeps passing for {@code graceSeconds} (none when null or 0). */
    public Rotation rotate(
            byte[] currentHash, Integer graceSeconds, Instant now, CredentialFormat.Kind kind, String boundTo) {
        if (graceSeconds != null && (graceSeconds < 0 || graceSeconds > MAX_GRACE.toSeconds())) {
            throw ApiProblem.invalid("graceSeconds", "must be between 0 and " + MAX_GRACE.toSeconds() + " (7 days)");
        }
        IssuedSecret issued = issue(kind, boundTo);
        if (graceSeconds == null || graceSeconds == 0) {
            return new Rotation(issued, null, null);
        }
        return new Rotation(issued, currentHash, now.plusSeconds(graceSeconds));
    }

    public Secret reveal(byte[] ciphertext, String boundTo) {
        if (cipher == null) {
            throw ApiProblem.gone("Credential retrieval is turned off (scopegate.credentials.retrievable=false); "
                    + "secrets are shown only at create and reset");
        }
        if (ciphertext == null) {
            throw ApiProblem.gone("This secret was issued while retrieval was off; reset the token for a new one");
        }
        return cipher.decrypt(ciphertext, boundTo);
    }
}
