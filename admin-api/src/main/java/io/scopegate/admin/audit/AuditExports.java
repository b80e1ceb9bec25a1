package io.scopegate.admin.audit;

import io.scopegate.admin.error.ApiProblem;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * Bounds the NDJSON exports: each holds a store connection for as long as its client reads, so at
 * most {@link #MAX_CONCURRENT} run at once per replica (more get 429 with Retry-After, and the pool
 * stays free for everything else), and a client that stops reading for {@link #IDLE_TIMEOUT} is cut
 * off. A cut-off export ends without the final chunk, so an HTTP client sees an error, never a
 * complete-looking partial file.
 */
@Component
class AuditExports {

    static final int MAX_CONCURRENT = 2;
    static final Duration IDLE_TIMEOUT = Duration.ofSeconds(30);

    private final AtomicInteger running = new AtomicInteger();

    <T> Flux<T> bounded(Flux<T> export) {
        return Flux.defer(() -> {
            if (running.incrementAndGet() > MAX_CONCURRENT) {
                running.decrementAndGet();
                return Flux.error(ApiProblem.busy(
                        MAX_CONCURRENT + " audit exports are already running on this replica; retry shortly", 10));
            }
            return export.timeout(IDLE_TIMEOUT).doFinally(signal -> running.decrementAndGet());
        });
    }
}
