package io.scopegate.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopegate.admin.AdminApiTest;
import io.scopegate.store.event.StoreEvent;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;

/** A change, its audit row and its gateway event commit together or not at all; NOTIFY follows the commit. */
class ChangeAtomicityTest extends AdminApiTest {

    @Value("${spring.flyway.url}")
    String jdbcUrl;

    @Test
    void whenTheAuditRowCannotBeWrittenTheChangeIsRolledBack() {
        String account = newAccount();
        Map<String, Object> token = createToken(account, "Fragile", newApi(), "GET");
        String sid = (String) token.get("sid");
        long events = count("select count(*) from token_events where account_sid = $1", account);
        String function = "fail_audit_" + account.toLowerCase();
        db.sql("create function " + function + "() returns trigger language plpgsql as $$ begin "
                        + "raise exception 'audit store unavailable'; end $$")
                .then()
                .block(Duration.ofSeconds(5));
        db.sql("create trigger " + function + " before insert on audit_events for each row when (new.account_sid = '"
                        + account + "') execute function " + function + "()")
                .then()
                .block(Duration.ofSeconds(5));
        try {
            operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                    .exchange()
                    .expectStatus()
                    .is5xxServerError();
            operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                    .exchange()
                    .expectStatus()
                    .is5xxServerError();
            operator()
                    .delete()
                    .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                    .exchange()
                    .expectStatus()
                    .is5xxServerError();
            operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens", account)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("name", "never"))
                    .exchange()
                    .expectStatus()
                    .is5xxServerError()
                    .expectBody()
                    .jsonPath("$.detail")
                    .isEqualTo("The request failed; it has been logged");
        } finally {
            db.sql("drop trigger " + function + " on audit_events").then().block(Duration.ofSeconds(5));
            db.sql("drop function " + function + "()").then().block(Duration.ofSeconds(5));
        }

        assertThat(storeAccepts(sid, (String) token.get("authToken"))).isTrue();
        assertTokenState(account, sid, "ENABLED");
        assertThat(listSids(account, "")).containsExactly(sid);
        assertThat(count("select count(*) from token_events where account_sid = $1", account))
                .isEqualTo(events);
    }

    @Test
    void eventsCommitInIdOrderSoAGatewayPollingPastAnIdNeverSkipsOne() throws Exception {
        String account = newAccount();
        String sid = (String) createToken(account, "Ordered", newApi(), "GET").get("sid");
        long before = count("select count(*) from token_events where token_sid = $1", sid);
        try (Connection writer = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            writer.setAutoCommit(false);
            try (Statement statement = writer.createStatement()) {
                // Another writer's transaction, between its event and its commit.
                statement.execute("select pg_advisory_xact_lock(" + StoreEvent.WRITE_LOCK + ")");
            }
            long lastIdDrawn = lastEventIdDrawn();
            // WebTestClient waits for the response, so the call runs on a thread of its own.
            CompletableFuture<Void> disable = CompletableFuture.runAsync(() -> operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                    .exchange()
                    .expectStatus()
                    .isOk());
            // The change waits for the lock: no event of it can take an id and commit before the other.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !disable.isDone());
            assertThat(count("select count(*) from token_events where token_sid = $1", sid))
                    .isEqualTo(before);
            assertThat(lastEventIdDrawn()).as("no id drawn before the lock").isEqualTo(lastIdDrawn);
            writer.commit();
            disable.get(10, TimeUnit.SECONDS);
        }
        assertThat(count("select count(*) from token_events where token_sid = $1", sid))
                .isEqualTo(before + 1);
    }

    @Test
    void aCommittedChangeIsNotifiedWithItsEventId() throws Exception {
        String account = newAccount();
        String sid = (String) createToken(account, "Watched", newApi(), "GET").get("sid");
        try (Connection listener = DriverManager.getConnection(jdbcUrl, "postgres", "postgres")) {
            try (Statement statement = listener.createStatement()) {
                statement.execute("LISTEN " + StoreEvent.CHANNEL);
            }
            operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                    .exchange()
                    .expectStatus()
                    .isOk();

            long eventId = count("select max(id) from token_events where token_sid = $1", sid);
            PGNotification[] notifications = listener.unwrap(PGConnection.class).getNotifications(10_000);
            assertThat(notifications).isNotNull();
            assertThat(notifications)
                    .extracting(PGNotification::getParameter)
                    .contains(new StoreEvent(eventId, StoreEvent.Kind.TOKEN, sid).payload());
            assertThat(count(
                            "select count(*) from token_events where id = $1 and kind = 'TOKEN' and token_sid = '" + sid
                                    + "'",
                            eventId))
                    .isEqualTo(1);
        }
    }

    /** The last id the event sequence handed out, whether or not its row committed. */
    private long lastEventIdDrawn() {
        return db.sql("select pg_sequence_last_value('token_events_id_seq')")
                .map((row, meta) -> row.get(0, Long.class))
                .one()
                .block(Duration.ofSeconds(10));
    }
}
