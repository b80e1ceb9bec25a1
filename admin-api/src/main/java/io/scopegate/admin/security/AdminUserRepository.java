package io.scopegate.admin.security;

import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The admin_users table. */
@Repository
class AdminUserRepository {

    private final DatabaseClient db;

    AdminUserRepository(DatabaseClient db) {
        this.db = db;
    }

    Mono<AdminPrincipal> find(String username) {
        return db.sql("select username, password_hash, role, account_sid from admin_users where username = :username")
                .bind("username", username)
                .map((row, meta) -> new AdminPrincipal(
                        row.get("username", String.class),
                        row.get("password_hash", String.class),
                        AdminRole.valueOf(row.get("role", String.class)),
                        row.get("account_sid", String.class)))
                .one();
    }

    /** An admin user as the console lists them; never the password hash. */
    record Listed(String username, AdminRole role, String accountSid, String email) {}

    /** Operators first, then by account and username. */
    Flux<Listed> all() {
        return db.sql("""
                select username, role, account_sid, email from admin_users
                order by role <> 'OPERATOR', account_sid nulls first, username
                """)
                .map((row, meta) -> new Listed(
                        row.get("username", String.class),
                        AdminRole.valueOf(row.get("role", String.class)),
                        row.get("account_sid", String.class),
                        row.get("email", String.class)))
                .all();
    }

    Mono<Long> countOperatorsOtherThan(String username) {
        return db.sql("select count(*) from admin_users where role = 'OPERATOR' and username <> :username")
                .bind("username", username)
                .map((row, meta) -> row.get(0, Long.class))
                .one();
    }

    /** Inserts or replaces; emits true when the user is new. */
    Mono<Boolean> save(
            String username, String passwordHash, AdminRole role, String accountSid, String email, Instant now) {
        return db.sql("""
                insert into admin_users (username, password_hash, role, account_sid, email, created_at, updated_at)
                values (:username, :hash, :role, :account, :email, :now, :now)
                on conflict (username) do update
                   set password_hash = excluded.password_hash, role = excluded.role,
                       account_sid = excluded.account_sid, email = excluded.email,
                       updated_at = excluded.updated_at
                returning (xmax = 0) as created
                """)
                .bind("username", username)
                .bind("hash", passwordHash)
                .bind("role", role.name())
                .bind("account", Parameter.fromOrEmpty(accountSid, String.class))
                .bind("email", Parameter.fromOrEmpty(email, String.class))
                .bind("now", now)
                .map((row, meta) -> Boolean.TRUE.equals(row.get("created", Boolean.class)))
                .one();
    }
}
