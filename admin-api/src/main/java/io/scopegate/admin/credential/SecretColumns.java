package io.scopegate.admin.credential;

import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient.GenericExecuteSpec;
import org.springframework.r2dbc.core.Parameter;

/**
 * The secret columns scoped and legacy tokens share (tokens and legacy_tokens): one place that says
 * how a reset is written, so the two tables cannot drift apart.
 */
public final class SecretColumns {

    /** The SET list of a reset's UPDATE; bind it with {@link #bindRotation}. */
    public static final String ROTATION_ASSIGNMENTS = """
            secret_hash = :hash, secret_ciphertext = :ciphertext,
            previous_secret_hash = :previous, previous_secret_valid_until = :until,
            credentials_rotated_at = :now, updated_at = :now
            """;

    private SecretColumns() {}

    public static GenericExecuteSpec bindRotation(GenericExecuteSpec update, Rotation rotation, Instant now) {
        return update.bind("hash", rotation.issued().hash())
                .bind("ciphertext", Parameter.fromOrEmpty(rotation.issued().ciphertext(), byte[].class))
                .bind("previous", Parameter.fromOrEmpty(rotation.previousHash(), byte[].class))
                .bind("until", Parameter.fromOrEmpty(rotation.previousValidUntil(), Instant.class))
                .bind("now", now);
    }
}
