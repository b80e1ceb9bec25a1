package io.scopegate.store.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

class RepeatingWorkTest {

    private final Sinks.Many<Integer> ticks = Sinks.many().multicast().directBestEffort();
    private final AtomicInteger runs = new AtomicInteger();

    private final RepeatingWork work = new RepeatingWork() {
        @Override
        protected Flux<?> triggers() {
            return ticks.asFlux();
        }

        @Override
        protected Mono<Void> runOnce() {
            int run = runs.incrementAndGet();
            return run == 1 ? Mono.error(new IllegalStateException("a bug")) : Mono.empty();
        }
    };

    @Test
    void aFailedRunDoesNotStopTheLoop() {
        work.start();
        ticks.tryEmitNext(1);
        ticks.tryEmitNext(2);
        ticks.tryEmitNext(3);

        assertThat(runs).hasValue(3);
        assertThat(work.isRunning()).isTrue();
    }

    @Test
    void triggersDuringARunMakeExactlyOneMoreRun() {
        Sinks.Empty<Void> slowRun = Sinks.empty();
        AtomicInteger slowRuns = new AtomicInteger();
        RepeatingWork slow = new RepeatingWork() {
            @Override
            protected Flux<?> triggers() {
                return ticks.asFlux();
            }

            @Override
            protected Mono<Void> runOnce() {
                return slowRuns.incrementAndGet() == 1 ? slowRun.asMono() : Mono.empty();
            }
        };
        slow.start();
        ticks.tryEmitNext(1);
        for (int tick = 2; tick <= 6; tick++) {
            ticks.tryEmitNext(tick);
        }
        slowRun.tryEmitEmpty();

        assertThat(slowRuns).hasValue(2);
        slow.stop();
    }

    @Test
    void stopEndsTheLoop() {
        work.start();
        work.stop();
        ticks.tryEmitNext(1);

        assertThat(runs).hasValue(0);
        assertThat(work.isRunning()).isFalse();
    }

    @Test
    void storeFailuresAreTimeoutsAndIoAndDriverErrorsNotBugs() {
        assertThat(StoreFailures.isStoreFailure(new TimeoutException())).isTrue();
        assertThat(StoreFailures.isStoreFailure(new CompletionException(new IOException("reset"))))
                .isTrue();
        assertThat(StoreFailures.isStoreFailure(new IllegalArgumentException("No enum constant")))
                .isFalse();
        assertThat(StoreFailures.isStoreFailure(new CompletionException(new NullPointerException())))
                .isFalse();
    }

    @Test
    void stoppingLetsTheRunUnderWayFinishAndStartsNoOther() {
        Sinks.Empty<Void> slowRun = Sinks.empty();
        AtomicInteger started = new AtomicInteger();
        AtomicInteger finished = new AtomicInteger();
        RepeatingWork slow = new RepeatingWork() {
            @Override
            protected Flux<?> triggers() {
                return ticks.asFlux();
            }

            @Override
            protected Mono<Void> runOnce() {
                started.incrementAndGet();
                return slowRun.asMono().doOnSuccess(done -> finished.incrementAndGet());
            }
        };
        slow.start();
        ticks.tryEmitNext(1);
        ticks.tryEmitNext(2); // waits for the run under way
        AtomicInteger stopped = new AtomicInteger();
        slow.stop(stopped::incrementAndGet);
        assertThat(stopped).as("the run under way is not cut short").hasValue(0);

        slowRun.tryEmitEmpty();
        assertThat(finished).hasValue(1);
        assertThat(stopped).hasValue(1);
        assertThat(started).as("the waiting trigger was dropped").hasValue(1);
        assertThat(slow.isRunning()).isFalse();
    }
}
