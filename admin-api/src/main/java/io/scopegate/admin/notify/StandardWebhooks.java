package io.scopegate.admin.notify;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The Standard Webhooks signature scheme, so receivers can verify deliveries with any of its
 * libraries: a secret {@code whsec_<base64 of 24+ random bytes>}, and for each delivery the header
 * {@code webhook-signature: v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>">}
 * keyed with the secret's decoded bytes.
 */
final class StandardWebhooks {

    static final String SECRET_PREFIX = "whsec_";
    private static final int SECRET_BYTES = 32;

    private StandardWebhooks() {}

    static String newSecret(SecureRandom random) {
        byte[] key = new byte[SECRET_BYTES];
        random.nextBytes(key);
        return SECRET_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    /** A random id: {@code we_…} for endpoints, {@code msg_…} for deliveries (the {@code webhook-id}). */
    static String newId(String prefix, SecureRandom random) {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return prefix + java.util.HexFormat.of().formatHex(bytes);
    }

    /** The {@code webhook-signature} value for one delivery attempt. */
    static String signature(String secret, String messageId, long timestampSeconds, String body) {
        byte[] key = Base64.getDecoder().decode(secret.substring(SECRET_PREFIX.length()));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] signed =
                    mac.doFinal((messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(signed);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JRE", e);
        }
    }
}
