package io.scopegate.store.credential;

import java.util.Base64;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.credentials.*}: the server-side keys (base64, 32 bytes each) and whether secrets
 * may be shown again. There is deliberately no default key: a deployment that forgot to set one
 * must not start with a key everybody knows.
 */
@Validated
@ConfigurationProperties("scopegate.credentials")
public record CredentialProperties(
        String hmacKey,
        String encryptionKey,
        @DefaultValue("true") boolean retrievable) {

    public byte[] hmacKeyBytes() {
        return decode("scopegate.credentials.hmac-key (SCOPEGATE_CREDENTIALS_HMAC_KEY)", hmacKey);
    }

    public byte[] encryptionKeyBytes() {
        return decode("scopegate.credentials.encryption-key (SCOPEGATE_CREDENTIALS_ENCRYPTION_KEY)", encryptionKey);
    }

    private static byte[] decode(String property, String value) {
        if (value == null || value.isBlank()) {
            throw new IllegalStateException(property + " is not set: give it 32 random bytes in base64, "
                    + "for example the output of `openssl rand -base64 32`");
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(property + " is not valid base64");
        }
        if (key.length != 32) {
            throw new IllegalStateException(property + " must decode to 32 bytes, not " + key.length);
        }
        return key;
    }

    @Override
    public String toString() {
        return "CredentialProperties[keys=redacted, retrievable=" + retrievable + "]";
    }
}
