package io.scopegate.store.resilience;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import org.springframework.boot.health.contributor.Status;
import reactor.core.publisher.Mono;

/** A health check that does not answer is DOWN after the bound, and hung checks cannot pile up threads. */
class BoundedHealthChecksTest {

    private final BoundedHealthChecks bounded = new BoundedHealthChecks(Duration.ofMillis(200));

    @Test
    void aReactiveCheckThatNeverAnswersIsDownAfterTheBound() {
        ReactiveHealthIndicator hanging = Mono::never;
        ReactiveHealthIndicator wrapped =
                (ReactiveHealthIndicator) bounded.postProcessAfterInitialization(hanging, "store");
        Health health = wrapped.health(true).block(Duration.ofSeconds(5));
        assertThat(health.getStatus()).isEqualTo(Status.DOWN);
        assertThat(health.getDetails()).containsEntry("error", "no answer within 200 ms");
    }

    @Test
    void blockingChecksThatHangHoldAFewThreadsAtMost() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        HealthIndicator hanging = () -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Health.up().build();
        };
        HealthIndicator wrapped = (HealthIndicator) bounded.postProcessAfterInitialization(hanging, "mail");
        try {
            for (int i = 0; i < BoundedHealthChecks.MAX_BLOCKING_CHECKS; i++) {
                assertThat(wrapped.health(true).getDetails()).containsEntry("error", "no answer within 200 ms");
            }
            assertThat(wrapped.health(true).getDetails())
                    .as("no thread left: answered at once")
                    .containsEntry("error", "earlier checks have not answered yet");
        } finally {
            release.countDown();
        }
    }
}
