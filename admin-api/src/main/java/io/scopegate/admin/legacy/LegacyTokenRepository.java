package io.scopegate.admin.legacy;

import io.r2dbc.spi.Readable;
import io.scopegate.admin.credential.IssuedSecret;
import io.scopegate.admin.credential.Rotation;
import io.scopegate.admin.credential.SecretColumns;
import io.scopegate.store.scope.LegacyKind;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The legacy_tokens table. */
@Repository
class LegacyTokenRepository {

    private static final String SELECT = """
            select account_sid, kind, api_version, created_at, updated_at, credentials_rotated_at, last_used_at
            from legacy_tokens where account_sid = :account
            """;

    private final DatabaseClient db;

    LegacyTokenRepository(DatabaseClient db) {
        this.db = db;
    }

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

    private static LegacyToken token(Readable row) {
        return new LegacyToken(
                LegacyKind.valueOf(row.get("kind", String.class)),
                row.get("account_sid", String.class),
                row.get("api_version", Integer.class),
                row.get("created_at", Instant.class),
                row.get("updated_at", Instant.class),
                row.get("credentials_rotated_at", Instant.class),
                row.get("last_used_at", Instant.class),
                null);
    }
}
