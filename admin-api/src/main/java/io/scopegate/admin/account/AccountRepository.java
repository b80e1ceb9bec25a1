package io.scopegate.admin.account;

import io.r2dbc.spi.Readable;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.store.token.TokenState;
import java.time.Instant;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.r2dbc.core.Parameter;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The accounts table, and the per-account lock that keeps the active-token limit exact. */
@Repository
public class AccountRepository {

    /** One account by SID; append {@code for update} to lock its row. */
    private static final String SELECT_BY_SID = """
            select sid, name, legacy_enabled, created_at, technical_contact, owner_contact, email_delivery,
                   auto_disable_unused_days, auto_disable_unrotated_days
            from accounts where sid = :sid""";

    private final DatabaseClient db;

    AccountRepository(DatabaseClient db) {
        this.db = db;
    }

    public Mono<Account> find(String sid) {
        return db.sql(SELECT_BY_SID)
                .bind("sid", sid)
                .map(AccountRepository::account)
                .one();
    }

    /** Every account, by name: the operators' account picker. */
    public Flux<Account> all() {
        return db.sql(SELECT_BY_SID.replace("where sid = :sid", "order by lower(name), sid"))
                .map(AccountRepository::account)
                .all();
    }

    public Mono<Account> require(String sid) {
        return find(sid).switchIfEmpty(Mono.defer(() -> Mono.error(ApiProblem.notFound("No account " + sid))));
    }

    public Mono<Void> requireExists(String sid) {
        return require(sid).then();
    }

    /**
     * Locks the account row until the surrounding transaction ends. Every operation that can raise
     * the number of enabled tokens takes this lock first, so concurrent creates, duplicates and
     * enables are counted one after another and the limit cannot be overshot.
     */
    public Mono<Account> lock(String sid) {
        return db.sql(SELECT_BY_SID + " for update")
                .bind("sid", sid)
                .map(AccountRepository::account)
                .one()
                .switchIfEmpty(Mono.defer(() -> Mono.error(ApiProblem.notFound("No account " + sid))));
    }

    private static Account account(Readable row) {
        return new Account(
                row.get("sid", String.class),
                row.get("name", String.class),
                Boolean.TRUE.equals(row.get("legacy_enabled", Boolean.class)),
                row.get("created_at", Instant.class),
                row.get("technical_contact", String.class),
                row.get("owner_contact", String.class),
                row.get("email_delivery", String.class),
                new AccountAutomation(
                        row.get("auto_disable_unused_days", Integer.class),
                        row.get("auto_disable_unrotated_days", Integer.class)));
    }

    Mono<Void> update(String sid, String technicalContact, String ownerContact, String emailDelivery, Instant now) {
        return db.sql("""
                update accounts set technical_contact = :technical, owner_contact = :owner,
                                    email_delivery = :delivery, updated_at = :now
                where sid = :sid
                """)
                .bind("sid", sid)
                .bind("technical", Parameter.fromOrEmpty(technicalContact, String.class))
                .bind("owner", Parameter.fromOrEmpty(ownerContact, String.class))
                .bind("delivery", emailDelivery)
                .bind("now", now)
                .then();
    }

    Mono<Void> updateAutomation(String sid, AccountAutomation automation, Instant now) {
        return db.sql("""
                update accounts set auto_disable_unused_days = :unused, auto_disable_unrotated_days = :unrotated,
                                    updated_at = :now
                where sid = :sid
                """)
                .bind("sid", sid)
                .bind("unused", Parameter.fromOrEmpty(automation.disableUnusedAfterDays(), Integer.class))
                .bind("unrotated", Parameter.fromOrEmpty(automation.disableUnrotatedAfterDays(), Integer.class))
                .bind("now", now)
                .then();
    }

    /**
     * The addresses a token's primary contact may be picked from: the account's admin users with an
     * email, then its technical and owner contacts; each address once (the first source wins).
     */
    public Flux<Contact> contacts(String sid) {
        return db.sql("""
                select distinct on (lower(email)) email, kind, username from (
                    select email, 'USER' as kind, username, 1 as rank from admin_users
                    where account_sid = :sid and email is not null
                    union all
                    select technical_contact, 'TECHNICAL_CONTACT', null, 2 from accounts
                    where sid = :sid and technical_contact is not null
                    union all
                    select owner_contact, 'OWNER_CONTACT', null, 3 from accounts
                    where sid = :sid and owner_contact is not null
                ) candidates
                order by lower(email), rank
                """)
                .bind("sid", sid)
                .map(row -> new Contact(
                        row.get("email", String.class),
                        row.get("kind", String.class),
                        row.get("username", String.class)))
                .all();
    }

    /**
     * Active tokens, the ones the limit counts: enabled and not expired at {@code now}. An expired
     * token still shows (and the gateway refuses it) but no longer takes a place.
     */
    public Mono<Long> countActiveTokens(String sid, Instant now) {
        return db.sql("""
                select count(*) from tokens
                where account_sid = :sid and state = :state and (expires_at is null or expires_at > :now)
                """)
                .bind("sid", sid)
                .bind("state", TokenState.ENABLED.name())
                .bind("now", now)
                .map((row, meta) -> row.get(0, Long.class))
                .one();
    }

    /** Whether the account has legacy tokens: set when they are enabled, cleared when the last is deleted. */
    public Mono<Void> setLegacyEnabled(String sid, boolean enabled, Instant now) {
        return db.sql("update accounts set legacy_enabled = :enabled, updated_at = :now where sid = :sid")
                .bind("sid", sid)
                .bind("enabled", enabled)
                .bind("now", now)
                .then();
    }

    Mono<Boolean> insert(String sid, String name, Instant now) {
        return db.sql("""
                insert into accounts (sid, name, created_at, updated_at) values (:sid, :name, :now, :now)
                on conflict (sid) do nothing
                """)
                .bind("sid", sid)
                .bind("name", name)
                .bind("now", now)
                .fetch()
                .rowsUpdated()
                .map(count -> count == 1);
    }
}
