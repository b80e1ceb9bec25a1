package io.scopegate.admin.legacy;

import io.r2dbc.spi.Readable;
import io.scopegate.admin.credential.IssuedSecret;
import io.scopegate.admin.credential.Rotation;
import io.scopegate.admin.credential.SecretColumns;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.token.TokenState;
import java.time.Instant;
import java.util.Optional;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The legacy_tokens table. */
@Repository
class LegacyTokenRepository {

    private static final String SELECT = """
            select account_sid, kind, state, api_version, created_at, updated_at, credentials_rotated_at,
                   last_used_at, disabled_at
            from legacy_tokens where account_sid = :account
            """;

    private final DatabaseClient db;

    LegacyTokenRepository(DatabaseClient db) {
        this.db = db;
    }

    /** READ_WRITE first, then READ_ONLY. */
    Flux<LegacyToken> list(String account) {
        return db.sql(SELECT + " order by kind desc")
                .bind("account", account)
                .map(LegacyTokenRepository::token)
                .all();
    }

    Mono<LegacyToken> find(String account, LegacyKind kind) {
        return db.sql(SELECT + " and kind = :kind")
                .bind("account", account)
                .bind("kind", kind.name())
                .map(LegacyTokenRepository::token)
                .one();
    }

    Mono<byte[]> secretHash(String account, LegacyKind kind) {
        return db.sql("select secret_hash from legacy_tokens where account_sid = :account and kind = :kind")
                .bind("account", account)
                .bind("kind", kind.name())
                .map((row, meta) -> row.get(0, byte[].class))
                .one();
    }

    /** The stored ciphertext (empty when the secret was issued while retrieval was off). */
    Mono<Optional<byte[]>> secretCiphertext(String account, LegacyKind kind) {
        return db.sql("select secret_ciphertext from legacy_tokens where account_sid = :account and kind = :kind")
                .bind("account", account)
                .bind("kind", kind.name())
                .map((row, meta) -> Optional.ofNullable(row.get(0, byte[].class)))
                .one();
    }

    Mono<Void> insert(String account, LegacyKind kind, int apiVersion, IssuedSecret secret, Instant now) {
        return db.sql("""
                insert into legacy_tokens (account_sid, kind, api_version, secret_hash, secret_ciphertext,
                                           created_at, updated_at, credentials_rotated_at)
                values (:account, :kind, :version, :hash, :ciphertext, :now, :now, :now)
                """)
                .bind("account", account)
                .bind("kind", kind.name())
                .bind("version", apiVersion)
                .bind("hash", secret.hash())
                .bind("ciphertext", Parameter.fromOrEmpty(secret.ciphertext(), byte[].class))
                .bind("now", now)
                .then();
    }

    Mono<Void> replaceSecret(String account, LegacyKind kind, Rotation rotation, Instant now) {
        return SecretColumns.bindRotation(
                        db.sql("update legacy_tokens set " + SecretColumns.ROTATION_ASSIGNMENTS
                                        + " where account_sid = :account and kind = :kind")
                                .bind("account", account)
                                .bind("kind", kind.name()),
                        rotation,
                        now)
                .then();
    }

    /** Disabling dates the change (for the advice to reset on enable); enabling clears the date. */
    Mono<Void> setState(String account, LegacyKind kind, TokenState state, Instant now) {
        return db.sql("""
                update legacy_tokens
                set state = :state, updated_at = :now,
                    disabled_at = case when :state = 'DISABLED' then cast(:now as timestamptz) end
                where account_sid = :account and kind = :kind
                """)
                .bind("account", account)
                .bind("kind", kind.name())
                .bind("state", state.name())
                .bind("now", now)
                .then();
    }

    Mono<Void> setApiVersion(String account, LegacyKind kind, int version, Instant now) {
        return db.sql("""
                update legacy_tokens set api_version = :version, updated_at = :now
                where account_sid = :account and kind = :kind
                """)
                .bind("account", account)
                .bind("kind", kind.name())
                .bind("version", version)
                .bind("now", now)
                .then();
    }

    /**
     * Deletes the token and its usage history, so that one enabled again later starts with none (its
     * usage key, unlike a scoped token's SID, is reused). Whether a row was deleted.
     */
    Mono<Boolean> delete(String account, LegacyKind kind) {
        return db.sql("delete from token_usage_daily where token_sid = :key")
                .bind("key", kind.usageKey(account))
                .then()
                .then(db.sql("delete from legacy_tokens where account_sid = :account and kind = :kind")
                        .bind("account", account)
                        .bind("kind", kind.name())
                        .fetch()
                        .rowsUpdated()
                        .map(count -> count > 0));
    }

    private static LegacyToken token(Readable row) {
        return new LegacyToken(
                LegacyKind.valueOf(row.get("kind", String.class)),
                row.get("account_sid", String.class),
                TokenState.valueOf(row.get("state", String.class)),
                row.get("api_version", Integer.class),
                row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class),
                row.get("credentials_rotated_at", Instant.class),
                row.get("last_used_at", Instant.class),
                row.get("disabled_at", Instant.class),
                null,
                null);
    }
}
