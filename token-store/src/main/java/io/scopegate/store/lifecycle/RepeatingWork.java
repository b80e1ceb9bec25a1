package io.scopegate.store.lifecycle;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Work that runs again and again while the application runs (syncing with the store, flushing
 * usage, refreshing gauges): one run at a time, a trigger that arrives during a run makes one more
 * run after it, and a failed run is logged and does not stop the loop. Store failures are expected
 * in an outage and logged in one line; anything else is logged with its stack trace.
 */
public abstract class RepeatingWork implements SmartLifecycle {

    private final Logger log = LoggerFactory.getLogger(getClass());
    private volatile Disposable loop;

    /** What starts a run: ticks of an interval, notifications, or both merged. */
    protected abstract Flux<?> triggers();

    /** One run. Bound it with a timeout: a run that never ends stops every later one. */
    protected abstract Mono<Void> runOnce();

    @Override
    public void start() {
        loop = triggers()
                .onBackpressureLatest()
                // Prefetch 0: the one trigger kept by onBackpressureLatest is the only one waiting.
                .concatMap(trigger -> Mono.defer(this::runOnce).onErrorResume(this::logged), 0)
                .subscribe();
    }

    private Mono<Void> logged(Throwable error) {
        if (StoreFailures.isStoreFailure(error)) {
            log.warn("{} failed, will retry: {}", getClass().getName(), error.toString());
        } else {
            log.error("{} failed, will retry", getClass().getName(), error);
        }
        return Mono.empty();
    }

    @Override
    public void stop() {
        Disposable running = loop;
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable running = loop;
        return running != null && !running.isDisposed();
    }
}
