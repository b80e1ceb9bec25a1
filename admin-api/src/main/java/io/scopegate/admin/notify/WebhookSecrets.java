package io.scopegate.admin.notify;

import io.scopegate.store.credential.KeyedHasher;
import io.scopegate.store.credential.Secret;
import io.scopegate.store.credential.SecretCipher;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Webhook signing secrets at rest. They must be usable to sign, so unlike auth tokens they cannot be
 * kept as a hash: they are encrypted with AES-256-GCM (bound to their endpoint's id) under a key
 * derived from {@code scopegate.credentials.hmac-key}, which every admin API has, whether or not auth
 * tokens are retrievable. A copy of the database alone does not reveal them.
 */
@Component
class WebhookSecrets {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(WebhookSecrets.class);
    private static final byte[] KEY_LABEL = "scopegate/webhook-signing-secrets/v1".getBytes(StandardCharsets.UTF_8);

    private final SecretCipher cipher;
    private final DatabaseClient db;

    /**
     * A key of its own, so this use and the auth tokens' hashes never share one: the server key's HMAC
     * of a label (HMAC as a KDF), computed by the same {@link KeyedHasher} that hashes auth tokens.
     */
    WebhookSecrets(KeyedHasher serverKey, SecureRandom random, DatabaseClient db) {
        this.cipher = new SecretCipher(serverKey.hash(KEY_LABEL), random);
        this.db = db;
    }

    byte[] seal(String endpointId, String secret) {
        return cipher.encrypt(new Secret(secret), endpointId);
    }

    String open(String endpointId, byte[] sealed) {
        return cipher.decrypt(sealed, endpointId).value();
    }

    /**
     * Encrypts the secrets stored as they were before V9, once; each row on its own, so replicas
     * starting together do it at most twice with the same result.
     */
    Mono<Long> sealPlainSecrets() {
        return db.sql("select id, secret from webhook_endpoints where secret is not null")
                .map(row -> new String[] {row.get("id", String.class), row.get("secret", String.class)})
                .all()
                .concatMap(row -> db.sql("""
                                update webhook_endpoints set secret_ciphertext = :sealed, secret = null
                                where id = :id and secret is not null
                                """)
                        .bind("id", row[0])
                        .bind("sealed", seal(row[0], row[1]))
                        .fetch()
                        .rowsUpdated())
                .reduce(0L, Long::sum)
                .timeout(Duration.ofSeconds(30));
    }

    /** Runs {@link #sealPlainSecrets} at start-up, in the background: senders read either form meanwhile. */
    @org.springframework.context.event.EventListener(org.springframework.boot.context.event.ApplicationReadyEvent.class)
    void sealOnStart() {
        sealPlainSecrets().onErrorResume(error -> Mono.empty()).subscribe();
    }

    /** What the sender signs with: the current secret, and the previous one while it is still valid. */
    List<String> signing(WebhookRepository.SealedSecrets stored) {
        String current = stored.sealed() != null ? open(stored.endpointId(), stored.sealed()) : stored.plain();
        return stored.previous() != null && stored.previousValid()
                ? List.of(current, open(stored.endpointId(), stored.previous()))
                : List.of(current);
    }
}
