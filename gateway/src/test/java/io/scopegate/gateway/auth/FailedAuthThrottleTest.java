package io.scopegate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.limit.LiveReplicas;
import io.scopegate.gateway.limit.TestLimits;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The failed-authentication budget per client address, on a clock the test moves. */
@Tag("security")
class FailedAuthThrottleTest {

    private static final int BUDGET = 100;

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-30T10:00:00Z"));
    private final FailedAuthThrottle throttle = throttle(BUDGET);

    private FailedAuthThrottle throttle(int perMinute) {
        return new FailedAuthThrottle(
                new GatewaySettings(
                        perMinute,
                        List.of(),
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(250),
                        1000),
                clock,
                TestLimits.localBackend(),
                new LiveReplicas());
    }

    /** Null when granted, as the local backend decides at once; else the wait. */
    private static Duration reserve(FailedAuthThrottle throttle, String client) {
        return orNull(throttle.reserve(client));
    }

    private static Duration recordFailure(FailedAuthThrottle throttle, String client) {
        return orNull(throttle.recordFailure(client));
    }

    private static Duration orNull(Mono<Duration> answer) {
        Duration wait = answer.block(Duration.ofSeconds(5));
        return wait.isZero() ? null : wait;
    }

    /**
     * Security review, issue 14, finding 4: 400 simultaneous requests from one address all passed a
     * check-then-count throttle. Reservations are atomic: however many race, at most the budget wins.
     */
    @Test
    void manyReservationsRacingFromOneAddressGrantAtMostTheBudget() throws Exception {
        int racers = 400;
        ExecutorService pool = Executors.newFixedThreadPool(16);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Duration>> answers = new ArrayList<>();
        try {
            for (int i = 0; i < racers; i++) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return reserve(throttle, "203.0.113.5");
                }));
            }
            start.countDown();
            int granted = 0;
            for (Future<Duration> answer : answers) {
                if (answer.get(10, TimeUnit.SECONDS) == null) {
                    granted++;
                }
            }
            assertThat(granted).isEqualTo(BUDGET);
        } finally {
            pool.shutdownNow();
        }
        assertThat(throttle.retryAfter("203.0.113.5")).isPositive();
        assertThat(throttle.retryAfter("198.51.100.1")).as("another address").isNull();
    }

    @Test
    void aReservationWhoseCredentialProvedGoodIsGivenBack() {
        for (int i = 0; i < BUDGET; i++) {
            assertThat(reserve(throttle, "203.0.113.5")).isNull();
        }
        assertThat(reserve(throttle, "203.0.113.5")).isPositive();

        throttle.release("203.0.113.5");

        assertThat(throttle.retryAfter("203.0.113.5")).isNull();
        assertThat(reserve(throttle, "203.0.113.5")).isNull();
        assertThat(reserve(throttle, "203.0.113.5")).isPositive();
    }

    @Test
    void releasingNeverRaisesTheBudgetAboveItsCapacity() {
        reserve(throttle, "203.0.113.5");
        throttle.release("203.0.113.5");
        throttle.release("203.0.113.5");
        throttle.release("203.0.113.5");
        int granted = 0;
        while (reserve(throttle, "203.0.113.5") == null) {
            granted++;
        }
        assertThat(granted).isEqualTo(BUDGET);
    }

    @Test
    void failuresBeyondTheBudgetAreReportedAndTheBudgetRefillsOverTheMinute() {
        for (int i = 0; i < BUDGET; i++) {
            assertThat(recordFailure(throttle, "203.0.113.5")).isNull();
        }
        Duration wait = recordFailure(throttle, "203.0.113.5");
        assertThat(wait).isPositive().isLessThanOrEqualTo(Duration.ofSeconds(1));

        clock.advance(Duration.ofMillis(600));

        assertThat(throttle.retryAfter("203.0.113.5")).isNull();
        assertThat(recordFailure(throttle, "203.0.113.5")).isNull();
        assertThat(recordFailure(throttle, "203.0.113.5")).isPositive();
    }

    @Test
    void aBudgetOfZeroTurnsTheThrottleOff() {
        FailedAuthThrottle off = throttle(0);
        for (int i = 0; i < 1000; i++) {
            assertThat(reserve(off, "203.0.113.5")).isNull();
            assertThat(recordFailure(off, "203.0.113.5")).isNull();
        }
        assertThat(off.retryAfter("203.0.113.5")).isNull();
    }

    private static final class MovableClock extends Clock {

        private final AtomicReference<Instant> now;

        MovableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void advance(Duration duration) {
            now.updateAndGet(instant -> instant.plus(duration));
        }

        @Override
        public Instant instant() {
            return now.get();
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }
}
