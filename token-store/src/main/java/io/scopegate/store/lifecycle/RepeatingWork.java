package io.scopegate.store.lifecycle;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Work that runs again and again while the application runs (syncing with the store, flushing
 * usage, refreshing gauges): one run at a time, a trigger that arrives during a run makes one more
 * run after it, and a failed run is logged and does not stop the loop. Store failures are expected
 * in an outage and logged in one line; anything else is logged with its stack trace. Stopping with
 * the application lets a run under way finish (up to {@link #STOP_WAIT}) and starts no other: a
 * webhook being delivered is recorded as delivered before the replica lets another take over.
 */
public abstract class RepeatingWork implements SmartLifecycle {

    private final Logger log = LoggerFactory.getLogger(getClass());
    /** How long stopping waits for a run under way before cancelling it. */
    static final Duration STOP_WAIT = Duration.ofSeconds(10);

    /** How often an error repeated run after run is logged with its stack again. */
    static final Duration STACK_EVERY = Duration.ofMinutes(10);

    private volatile Disposable loop;
    private volatile String lastStackLogged;
    private volatile long lastStackLoggedAt;
    private volatile Sinks.Empty<Void> stopSignal = Sinks.empty();
    private volatile Sinks.Empty<Void> finished = Sinks.empty();

    /** What starts a run: ticks of an interval, notifications, or both merged. */
    protected abstract Flux<?> triggers();

    /** One run. Bound it with a timeout: a run that never ends stops every later one. */
    protected abstract Mono<Void> runOnce();

    @Override
    public void start() {
        Sinks.Empty<Void> signal = Sinks.empty();
        Sinks.Empty<Void> done = Sinks.empty();
        stopSignal = signal;
        finished = done;
        loop = triggers()
                .onBackpressureLatest()
                // After the latest-trigger buffer: a stop drops the trigger waiting there.
                .takeUntilOther(signal.asMono())
                // Prefetch 0: the one trigger kept by onBackpressureLatest is the only one waiting.
                .concatMap(trigger -> Mono.defer(this::runOnce).onErrorResume(this::logged), 0)
                .doFinally(ended -> done.tryEmitEmpty())
                .subscribe();
    }

    /** Stops with the application: no new run; the run under way finishes, or is cancelled after STOP_WAIT. */
    @Override
    public void stop(Runnable callback) {
        stopSignal.tryEmitEmpty();
        finished.asMono()
                .timeout(STOP_WAIT, Mono.empty())
                .doFinally(ended -> {
                    try {
                        stop();
                    } finally {
                        callback.run();
                    }
                })
                .subscribe();
    }

    private Mono<Void> logged(Throwable error) {
        if (StoreFailures.isStoreFailure(error)) {
            log.warn("{} failed, will retry: {}", getClass().getName(), error.toString());
        } else if (repeats(error)) {
            // The same bug every run (e.g. a grant missing on the store): its stack was logged already.
            log.warn("{} failed again, will retry: {}", getClass().getName(), error.toString());
        } else {
            log.error("{} failed, will retry", getClass().getName(), error);
        }
        return Mono.empty();
    }

    /**
     * Whether the same error (type and message) was logged with its stack within the last
     * {@link #STACK_EVERY}; if not, it is now taken as logged.
     */
    private boolean repeats(Throwable error) {
        String what = error.toString();
        long now = System.nanoTime();
        if (what.equals(lastStackLogged) && now - lastStackLoggedAt < STACK_EVERY.toNanos()) {
            return true;
        }
        lastStackLogged = what;
        lastStackLoggedAt = now;
        return false;
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
