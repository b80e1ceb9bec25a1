package io.scopegate.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Password guessing: a user is locked after 10 failures in a row (even the right password is refused
 * then, with 429 and Retry-After, and the lock is audited), unknown users are throttled alike, an
 * address is blocked after its own budget, and odd passwords are just wrong, never an error.
 */
class LoginThrottleTest extends AdminApiTest {

    @DynamicPropertySource
    static void addressBudget(DynamicPropertyRegistry properties) {
        properties.add("scopegate.login.max-failures-per-address", () -> "40");
    }

    /** Locks and address windows of earlier tests are over: each test starts with a clean slate. */
    @org.junit.jupiter.api.BeforeEach
    void laterThanEveryLock() {
        clock.advance(Duration.ofMinutes(20));
    }

    private int status(String username, String password) {
        return as(username, password)
                .get()
                .uri("/v1/apis")
                .exchange()
                .returnResult(String.class)
                .getStatus()
                .value();
    }

    @Test
    void tenWrongPasswordsLockTheUserEvenAgainstTheRightOneUntilTheLockEnds() {
        String user = newUser(newAccount(), "ACCOUNT_ADMIN");
        for (int i = 0; i < 10; i++) {
            assertThat(status(user, "wrong-password-" + i)).isEqualTo(401);
        }
        as(user, USER_PASSWORD)
                .get()
                .uri("/v1/apis")
                .exchange()
                .expectStatus()
                .isEqualTo(429)
                .expectHeader()
                .valueMatches("Retry-After", "[1-9][0-9]*")
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(count(
                        "select count(*) from audit_events where action = 'LOGIN_THROTTLED' and details->>'username' = $1",
                        user))
                .isEqualTo(1);

        clock.advance(Duration.ofSeconds(61));
        assertThat(status(user, USER_PASSWORD)).as("the lock is over").isEqualTo(200);
        // A success ends the series: nine more failures do not lock again.
        for (int i = 0; i < 9; i++) {
            assertThat(status(user, "wrong-again-" + i)).isEqualTo(401);
        }
        assertThat(status(user, USER_PASSWORD)).isEqualTo(200);
    }

    @Test
    void unknownUsersAreThrottledAlikeAndOddPasswordsAreWrongNotErrors() {
        String ghost = unique("ghost");
        for (int i = 0; i < 10; i++) {
            assertThat(status(ghost, "guess-" + i)).isEqualTo(401);
        }
        assertThat(status(ghost, "guess-11")).isEqualTo(429);

        String user = newUser(newAccount(), "ACCOUNT_ADMIN");
        assertThat(status(user, "é".repeat(50)))
                .as("100 bytes: over bcrypt's 72")
                .isEqualTo(401);
        assertThat(status(user, "x".repeat(73))).isEqualTo(401);
        assertThat(status(user, USER_PASSWORD)).isEqualTo(200);
    }

    @Test
    void theConsoleSaysToWaitWhenTheUserIsLocked() {
        String user = newUser(newAccount(), "ACCOUNT_ADMIN");
        for (int i = 0; i < 10; i++) {
            status(user, "wrong-" + i);
        }
        assertThat(io.scopegate.admin.console.ConsoleSession.signInRedirect(web, user, USER_PASSWORD))
                .endsWith("/console/sign-in?throttled=1");
        web.get()
                .uri("/console/sign-in?throttled=1")
                .exchange()
                .expectBody(String.class)
                .value(page -> assertThat(page).contains("Too many failed sign-ins"));
    }

    @Test
    void anAddressIsBlockedAfterItsBudgetWhicheverNamesItTries() {
        String user = newUser(newAccount(), "ACCOUNT_ADMIN");
        // 40 failures from this address (the test's budget), over many names, none locked on its own.
        for (int i = 0; i < 40; i++) {
            status(unique("spray"), "password-" + i);
        }
        assertThat(status(user, USER_PASSWORD)).isEqualTo(429);
        clock.advance(Duration.ofMinutes(11));
        assertThat(status(user, USER_PASSWORD)).isEqualTo(200);
    }

    /** Many requests at once, from threads of their own (not the server's: it checks passwords on boundedElastic). */
    private java.util.List<Integer> atOnce(int requests, java.util.function.IntFunction<Integer> request)
            throws Exception {
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(requests);
        try {
            java.util.List<java.util.concurrent.Future<Integer>> futures = new java.util.ArrayList<>();
            for (int i = 0; i < requests; i++) {
                int n = i;
                futures.add(threads.submit(() -> request.apply(n)));
            }
            java.util.List<Integer> statuses = new java.util.ArrayList<>();
            for (var future : futures) {
                statuses.add(future.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            return statuses;
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void simultaneousGuessesCannotOverrunTheLimit() throws Exception {
        String user = newUser(newAccount(), "ACCOUNT_ADMIN");
        java.util.List<Integer> statuses = atOnce(30, i -> status(user, "guess-" + i));
        assertThat(statuses.stream().filter(s -> s == 401).count())
                .as("at most ten passwords checked")
                .isLessThanOrEqualTo(10);
        assertThat(statuses.stream().filter(s -> s == 429).count()).isGreaterThanOrEqualTo(20);
        assertThat(status(user, USER_PASSWORD)).isEqualTo(429);
    }

    @Test
    void aBurstOfRightPasswordsIsNeverThrottled() throws Exception {
        String user = newUser(newAccount(), "ACCOUNT_ADMIN");
        assertThat(atOnce(40, i -> status(user, USER_PASSWORD))).containsOnly(200);
    }

    @Test
    void aForwardedForHeaderDoesNotChooseTheAddressWithoutATrustedProxy() {
        String user = newUser(newAccount(), "ACCOUNT_ADMIN");
        for (int i = 0; i < 40; i++) {
            String spoofed = "198.51.100." + i;
            as(unique("spray"), "password")
                    .get()
                    .uri("/v1/apis")
                    .header("X-Forwarded-For", spoofed)
                    .exchange()
                    .returnResult(String.class);
        }
        assertThat(status(user, USER_PASSWORD))
                .as("the failures counted against the real peer")
                .isEqualTo(429);
    }

    @Test
    void aUsernameWithANulIsWrongNotAnError() {
        assertThat(status("ad\u0000min", "whatever-password")).isEqualTo(401);
        assertThat(status("x".repeat(500), "whatever-password")).isEqualTo(401);
    }

    @Test
    void aSuccessForgetsEarlierLocks() {
        String user = newUser(newAccount(), "ACCOUNT_ADMIN");
        for (int lock = 0; lock < 3; lock++) {
            for (int i = 0; i < 10; i++) {
                status(user, "wrong-" + i);
            }
            clock.advance(Duration.ofMinutes(16));
        }
        assertThat(status(user, USER_PASSWORD)).isEqualTo(200);
        for (int i = 0; i < 10; i++) {
            status(user, "wrong-again-" + i);
        }
        clock.advance(Duration.ofSeconds(61));
        assertThat(status(user, USER_PASSWORD))
                .as("the first lock again: one minute")
                .isEqualTo(200);
    }
}
