package io.scopegate.admin.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopegate.admin.AdminApiTest;
import io.scopegate.admin.console.ConsoleSession;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * When the store freezes or drops its connections, admin calls are answered within
 * {@code scopegate.admin.store-timeout} with 503 and Retry-After, nothing half-written; health answers
 * within its own bound; and the first call after every connection was cut succeeds (issue 15).
 */
// Shorter than the defaults (5 s, 3 s), yet long enough that a cold first call on a busy machine is not cut.
@TestPropertySource(properties = {"scopegate.admin.store-timeout=3s", "scopegate.health.timeout=2s"})
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"spring.config.name=admin-api", "management.server.port=0"})
class StoreFailureTest extends AdminApiTest {

    /** Bound plus slack for a busy machine: the call must not wait for the store to come back. */
    private static final Duration ANSWERED_WITHIN = Duration.ofSeconds(6);

    private final StoreProcesses store = new StoreProcesses();

    @LocalManagementPort
    int managementPort;

    @Test
    void aFrozenStoreGets503WithRetryAfterAndTheChangeIsNotMade() throws Exception {
        String account = newAccount();
        Map<String, Object> token = createToken(account, "Frozen", newApi(), "GET");
        String sid = (String) token.get("sid");
        long audited = auditRecords(account);

        List<Long> frozen = store.freeze();
        try {
            long start = System.nanoTime();
            operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                    .exchange()
                    .expectStatus()
                    .isEqualTo(503)
                    .expectHeader()
                    .valueEquals("Retry-After", "3")
                    .expectHeader()
                    .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody()
                    .jsonPath("$.type")
                    .isEqualTo("urn:scopegate:problem:store-unavailable");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWERED_WITHIN);

            start = System.nanoTime();
            operator().get().uri("/v1/apis").exchange().expectStatus().isEqualTo(503);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWERED_WITHIN);

            start = System.nanoTime();
            management()
                    .get()
                    .uri("/actuator/health")
                    .exchange()
                    .expectStatus()
                    .isEqualTo(503)
                    .expectBody()
                    .jsonPath("$.status")
                    .isEqualTo("DOWN");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWERED_WITHIN);
        } finally {
            store.thaw(frozen);
        }

        // Answered again as soon as the store is: no restart, no stale connection left behind.
        await().atMost(Duration.ofSeconds(2))
                .untilAsserted(() -> operator()
                        .get()
                        .uri("/v1/apis")
                        .exchange()
                        .expectStatus()
                        .isOk());
        assertTokenState(account, sid, "ENABLED");
        assertThat(auditRecords(account)).isEqualTo(audited);
        management().get().uri("/actuator/health").exchange().expectStatus().isOk();
    }

    @Test
    void theFirstCallAfterEveryConnectionWasCutSucceeds() throws Exception {
        String account = newAccount();
        Map<String, Object> token = createToken(account, "Cut", newApi(), "GET");
        // Several calls at once, so the pool holds several connections to lose.
        CompletableFuture.allOf(IntStream.range(0, 8)
                        .mapToObj(i -> CompletableFuture.runAsync(() -> operator()
                                .get()
                                .uri("/v1/accounts/{a}/tokens", account)
                                .exchange()
                                .expectStatus()
                                .isOk()))
                        .toArray(CompletableFuture[]::new))
                .join();

        // At once: the calls race the connections' close, as after a failover (with the pool's old
        // settings, validation by the client's own view and one retry, the first call failed there).
        assertThat(store.cutEveryConnection()).isPositive();

        // Reads first: no transaction to begin again, so only the pool's validation saves them.
        for (int i = 0; i < 5; i++) {
            operator()
                    .get()
                    .uri("/v1/accounts/{a}/tokens", account)
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, token.get("sid"))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void theConsoleShowsItsTryAgainPageWhileTheStoreIsFrozen() throws Exception {
        String account = newAccount();
        ConsoleSession console = ConsoleSession.signIn(web, "admin", OPERATOR_PASSWORD);
        List<Long> frozen = store.freeze();
        try {
            EntityExchangeResult<String> page = console.get("/console/accounts/" + account + "/tokens");
            assertThat(page.getStatus().value()).isEqualTo(503);
            assertThat(page.getResponseBody()).contains("Try again in a moment");
        } finally {
            store.thaw(frozen);
        }
    }

    @Test
    void aStoreFailureThatArrivesAtOnceIs503ForTheApiAndTheConsole() throws Exception {
        String account = newAccount();
        int api = store.failFastDuring(
                "tokens",
                () -> operator()
                        .get()
                        .uri("/v1/accounts/{a}/tokens", account)
                        .exchange()
                        .returnResult(String.class)
                        .getStatus()
                        .value());
        assertThat(api).isEqualTo(503);

        ConsoleSession console = ConsoleSession.signIn(web, "admin", OPERATOR_PASSWORD);
        EntityExchangeResult<String> page =
                store.failFastDuring("tokens", () -> console.get("/console/accounts/" + account + "/tokens"));
        assertThat(page.getStatus().value()).isEqualTo(503);
        assertThat(page.getResponseHeaders().getFirst("Retry-After")).isEqualTo("3");
        assertThat(page.getResponseBody()).contains("Try again in a moment");
    }

    @Test
    void healthWithAnOperatorsCredentialsIsAnsweredTooWhileTheStoreIsFrozen() throws Exception {
        List<Long> frozen = store.freeze();
        try {
            long start = System.nanoTime();
            int status = management()
                    .get()
                    .uri("/actuator/health")
                    .headers(headers -> headers.setBasicAuth("admin", OPERATOR_PASSWORD))
                    .exchange()
                    .returnResult(String.class)
                    .getStatus()
                    .value();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(ANSWERED_WITHIN);
            assertThat(status).isEqualTo(503);
        } finally {
            store.thaw(frozen);
        }
    }

    private long auditRecords(String account) {
        return db.sql("select count(*) from audit_events where account_sid = $1")
                .bind(0, account)
                .map(row -> row.get(0, Long.class))
                .one()
                .block(Duration.ofSeconds(10));
    }

    private WebTestClient management() {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + managementPort)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }
}
