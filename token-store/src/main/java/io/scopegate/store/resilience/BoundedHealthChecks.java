package io.scopegate.store.resilience;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * Every health indicator answers within {@code scopegate.health.timeout}, DOWN with the reason when
 * it did not: Spring Boot's own checks have no bound (the store's waits for a frozen PostgreSQL as
 * long as the TCP connection lives, the mail check for the SMTP timeouts), so {@code /actuator/health}
 * hung with the store. Blocking indicators (disk space, mail) run on a few threads of their own, so one
 * that hangs holds its thread, never the endpoint, and repeated calls cannot pile threads up.
 */
final class BoundedHealthChecks implements BeanPostProcessor {

    /** Blocking checks under way at most; beyond, a check is DOWN at once (a hung relay holds a thread each). */
    static final int MAX_BLOCKING_CHECKS = 8;

    private final Duration timeout;
    private final ExecutorService blockingChecks =
            new ThreadPoolExecutor(0, MAX_BLOCKING_CHECKS, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), runnable -> {
                Thread thread = new Thread(runnable, "health-check");
                thread.setDaemon(true);
                return thread;
            });

    BoundedHealthChecks(Duration timeout) {
        this.timeout = timeout;
    }

    @Override
    public Object postProcessAfterInitialization(Object bean, String beanName) {
        if (bean instanceof ReactiveHealthIndicator reactive && !(bean instanceof Bounded)) {
            return new BoundedReactive(reactive, timeout);
        }
        if (bean instanceof HealthIndicator blocking && !(bean instanceof Bounded)) {
            return new BoundedBlocking(blocking, timeout, blockingChecks);
        }
        return bean;
    }

    static Health unanswered(Duration timeout) {
        return Health.down()
                .withDetail("error", "no answer within " + timeout.toMillis() + " ms")
                .build();
    }

    /** Marks a wrapper, so a bean is never wrapped twice. */
    interface Bounded {}

    record BoundedReactive(ReactiveHealthIndicator indicator, Duration timeout)
            implements ReactiveHealthIndicator, Bounded {

        @Override
        public Mono<Health> health() {
            return health(true);
        }

        @Override
        public Mono<Health> health(boolean includeDetails) {
            return indicator.health(includeDetails).timeout(timeout, Mono.fromSupplier(() -> unanswered(timeout)));
        }
    }

    record BoundedBlocking(HealthIndicator indicator, Duration timeout, ExecutorService threads)
            implements HealthIndicator, Bounded {

        @Override
        public Health health() {
            return health(true);
        }

        @Override
        public Health health(boolean includeDetails) {
            CompletableFuture<Health> check;
            try {
                check = CompletableFuture.supplyAsync(() -> indicator.health(includeDetails), threads);
            } catch (RejectedExecutionException busy) {
                return Health.down()
                        .withDetail("error", "earlier checks have not answered yet")
                        .build();
            }
            try {
                return check.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException slow) {
                check.cancel(true);
                return unanswered(timeout);
            } catch (ExecutionException failed) {
                return Health.down(failed.getCause()).build();
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                return unanswered(timeout);
            }
        }
    }
}
