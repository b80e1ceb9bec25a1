package io.scopegate.admin.propagation;

import java.time.Duration;
import java.util.function.Supplier;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * One read every {@code interval}, shared by everyone subscribed and running only while someone is:
 * the first subscriber starts it, the last one to leave stops it. A failed read is skipped (the next
 * tick reads again), and a read slower than the interval skips ticks rather than queueing them.
 * <p>
 * Not {@code publish().refCount()}: a subscriber that joins just as the last one leaves can be
 * attached to the connection being torn down and receive its {@code CancellationException
 * ("Disconnected")} — in a storm of revocations, where waits start and end all the time, a call then
 * lost its propagation header. Here joining and leaving are counted under one lock, and the stream a
 * subscriber gets never fails or ends.
 */
final class SharedPoll<T> {

    private final Duration interval;
    private final Supplier<Mono<T>> read;
    private final Sinks.Many<T> results = Sinks.many().multicast().directBestEffort();
    private int subscribers;
    private Disposable running;

    SharedPoll(Duration interval, Supplier<Mono<T>> read) {
        this.interval = interval;
        this.read = read;
    }

    /** Each read's result from the next tick on, for as long as the subscription lasts. */
    Flux<T> results() {
        return Flux.defer(() -> {
                    join();
                    return results.asFlux();
                })
                .doFinally(signal -> leave());
    }

    private synchronized void join() {
        if (subscribers++ == 0) {
            running = Flux.interval(interval, interval)
                    .onBackpressureDrop()
                    // No prefetch: a tick that comes while a read is under way is dropped above.
                    .concatMap(tick -> Mono.defer(read).onErrorResume(error -> Mono.empty()), 0)
                    // One read at a time (concatMap), so the emissions never race.
                    .subscribe(results::tryEmitNext);
        }
    }

    private synchronized void leave() {
        if (--subscribers == 0) {
            running.dispose();
            running = null;
        }
    }

    /** Whether reads are running: someone is subscribed. */
    synchronized boolean running() {
        return running != null;
    }
}
