package io.scopegate.admin.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The rechecks all waiting calls share: never failing a wait, running only while one waits. */
class SharedPollTest {

    private final AtomicInteger reads = new AtomicInteger();

    @Test
    void waitsThatJoinAsOthersLeaveNeverGetAnError() throws InterruptedException {
        SharedPoll<Integer> poll =
                new SharedPoll<>(Duration.ofNanos(100_000), () -> Mono.just(reads.incrementAndGet()));
        AtomicInteger errors = new AtomicInteger();

        // Waits that start and end at once on three threads, so that one joins just as the last one leaves,
        // again and again: with publish().refCount() 191 of these 300,000 got
        // CancellationException("Disconnected") (one run).
        Runnable waits = () -> {
            for (int i = 0; i < 100_000; i++) {
                poll.results()
                        .subscribe(read -> {}, error -> errors.incrementAndGet())
                        .dispose();
            }
        };
        List<Thread> threads = List.of(new Thread(waits), new Thread(waits), new Thread(waits));
        threads.forEach(Thread::start);
        for (Thread thread : threads) {
            thread.join();
        }

        assertThat(errors).hasValue(0);
        assertThat(poll.running()).as("every wait left").isFalse();
    }

    @Test
    void eachWaitGetsTheNextRead() {
        SharedPoll<Integer> poll = new SharedPoll<>(Duration.ofMillis(1), () -> Mono.just(reads.incrementAndGet()));

        List<Integer> got = Flux.range(0, 400)
                .flatMap(n -> poll.results().next(), 8)
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(got).hasSize(400).allMatch(read -> read > 0);
    }

    @Test
    void readsOnlyWhileSomeoneWaits() {
        SharedPoll<Integer> poll = new SharedPoll<>(Duration.ofMillis(5), () -> Mono.just(reads.incrementAndGet()));
        assertThat(poll.running()).isFalse();

        List<Disposable> waits = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waits.add(poll.results().subscribe());
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> reads.get() >= 3);
        waits.remove(0).dispose();
        assertThat(poll.running()).as("two still wait").isTrue();
        waits.forEach(Disposable::dispose);

        assertThat(poll.running()).isFalse();
        int afterwards = reads.get();
        await().during(Duration.ofMillis(100)).atMost(Duration.ofSeconds(5)).until(() -> reads.get() <= afterwards + 1);
    }

    @Test
    void aFailedReadIsSkippedAndTheNextOneDelivered() {
        SharedPoll<Integer> poll = new SharedPoll<>(
                Duration.ofMillis(5),
                () -> reads.incrementAndGet() == 1
                        ? Mono.error(new IllegalStateException("store did not answer"))
                        : Mono.just(reads.get()));

        assertThat(poll.results().next().block(Duration.ofSeconds(5))).isEqualTo(2);
    }
}
