package io.scopegate.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.observability.CompletedRequest;
import io.scopegate.gateway.observability.Outcome;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The flush accounting: every counted request is written once, through failures and concurrent counting. */
class UsageRecorderTest {

    /**
     * A store that records batches as the real one does (a batch id it has seen is not added again),
     * or fails while told to: before its transaction commits, or after (the answer lost on the way).
     */
    static class RecordingStore extends UsageStore {
        final List<Map<UsageRecorder.Key, UsageRecorder.Totals>> batches = new ArrayList<>();
        final Set<UUID> seen = new HashSet<>();
        boolean failing;
        boolean answerLost;

        RecordingStore() {
            super(null, null);
        }

        @Override
        Mono<Boolean> write(UsageRecorder.Batch batch) {
            if (failing) {
                return Mono.error(new java.io.IOException("connection reset"));
            }
            boolean added = seen.add(batch.id());
            if (added) {
                batches.add(batch.rows());
            }
            return answerLost ? Mono.error(new java.util.concurrent.TimeoutException()) : Mono.just(added);
        }

        long written(String token) {
            return batches.stream()
                    .flatMap(batch -> batch.entrySet().stream())
                    .filter(row -> row.getKey().tokenId().equals(token))
                    .mapToLong(row -> row.getValue().requests())
                    .sum();
        }
    }

    private final RecordingStore store = new RecordingStore();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final UsageSettings settings = new UsageSettings(Duration.ofSeconds(10), 3, Duration.ofSeconds(1));
    private final MutableTime time = new MutableTime(Instant.parse("2026-11-30T10:00:00Z"));
    private final UsageRecorder recorder =
            new UsageRecorder(store, new RecentDenials(null, settings, registry), settings, time, registry);

    /** A clock the tests move. */
    static final class MutableTime extends Clock {
        private Instant now;

        MutableTime(Instant now) {
            this.now = now;
        }

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static CompletedRequest request(String token, String outcome) {
        return new CompletedRequest("AC1", token, "campaigns", "GET", outcome, 200, 1000, "/campaigns", "req-1");
    }

    private void flush() {
        recorder.flush().onErrorResume(error -> Mono.empty()).block(Duration.ofSeconds(5));
    }

    @Test
    void requestsOfOneKeyAreSummedIntoOneRow() {
        recorder.record(request("ST1", Outcome.ALLOWED));
        recorder.record(request("ST1", Outcome.ALLOWED));
        recorder.record(request("ST1", Outcome.OUT_OF_SCOPE));
        flush();

        assertThat(store.batches).hasSize(1);
        assertThat(store.batches.get(0)).hasSize(2);
        assertThat(store.written("ST1")).isEqualTo(3);
    }

    @Test
    void requestsWithoutAnIdentifiedTokenAreNotUsage() {
        recorder.record(request(CompletedRequest.NONE, Outcome.UNAUTHENTICATED));
        flush();
        assertThat(store.batches).isEmpty();
    }

    @Test
    void aFailedWriteIsRetriedOnceWithWhatCameSinceAndNothingTwice() {
        recorder.record(request("ST1", Outcome.ALLOWED));
        store.failing = true;
        flush();
        assertThat(registry.get("scopegate.usage.flush.failures").counter().count())
                .isEqualTo(1);

        store.failing = false;
        recorder.record(request("ST1", Outcome.ALLOWED));
        flush();
        flush();

        assertThat(store.written("ST1")).isEqualTo(2);
        assertThat(registry.get("scopegate.usage.written").counter().count()).isEqualTo(2);
    }

    @Test
    void aWriteThatCommittedButWhoseAnswerWasLostIsCountedOnce() {
        recorder.record(request("ST1", Outcome.ALLOWED));
        store.answerLost = true;
        flush();
        store.answerLost = false;
        recorder.record(request("ST1", Outcome.ALLOWED));
        flush();
        flush();

        assertThat(store.written("ST1")).isEqualTo(2);
        assertThat(store.batches).hasSize(2);
        assertThat(registry.get("scopegate.usage.written").counter().count()).isEqualTo(2);
    }

    @Test
    void aFlushCutOffByShutdownIsSentAgainByTheLastFlushAndCountedOnce() {
        recorder.record(request("ST1", Outcome.ALLOWED));
        store.answerLost = true; // the periodic flush committed, then was cancelled
        flush();
        store.answerLost = false;
        recorder.record(request("ST2", Outcome.ALLOWED));
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        recorder.stop(stopped::countDown);
        assertThat(awaitQuietly(stopped)).isTrue();

        assertThat(store.written("ST1")).isEqualTo(1);
        assertThat(store.written("ST2")).as("what came after is written too").isEqualTo(1);
    }

    private static boolean awaitQuietly(java.util.concurrent.CountDownLatch latch) {
        try {
            return latch.await(5, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Test
    void beyondTheBoundNewRowsAreDroppedAndCountedNotLostSilently() {
        for (int i = 1; i <= 5; i++) {
            recorder.record(request("ST" + i, Outcome.ALLOWED));
        }
        recorder.record(request("ST1", Outcome.ALLOWED));
        flush();

        assertThat(store.batches.get(0)).hasSize(3);
        assertThat(store.written("ST1")).isEqualTo(2);
        assertThat(registry.get("scopegate.usage.dropped").counter().count()).isEqualTo(2);
    }

    @Test
    void refusalsOlderThanTheSpikeWindowAreDroppedNotStampedOnTheLatestMinute() {
        RecentDenials denials = new RecentDenials(null, settings, registry);
        CompletedRequest refused = request("ST1", Outcome.OUT_OF_SCOPE);
        denials.record(refused, time.instant());
        denials.record(refused, time.instant());
        time.advance(Duration.ofMinutes(30)); // a store outage: nothing written meanwhile
        denials.record(refused, time.instant());
        // The old minute is dropped at flush; the write of the fresh one fails (no store) and is dropped too,
        // never retried: each refusal is counted at most once.
        denials.flush(time.instant()).block(Duration.ofSeconds(5));
        assertThat(registry.get("scopegate.usage.denials.dropped").counter().count())
                .isEqualTo(2);
        assertThat(registry.get("scopegate.usage.denials.failures").counter().count())
                .isEqualTo(1);
        denials.flush(time.instant()).block(Duration.ofSeconds(5));
        assertThat(registry.get("scopegate.usage.denials.failures").counter().count())
                .as("nothing left to write again")
                .isEqualTo(1);
    }
}
