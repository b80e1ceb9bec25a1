package io.scopegate.gateway.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import java.time.Clock;
import java.time.Duration;

/**
 * Bucket4j token buckets in this replica's memory, per key and shape, so a changed limit (or a changed
 * number of replicas to share it with) starts a fresh bucket. Bounded: a spray of keys cannot exhaust
 * memory; a bucket unused for ten minutes is full again anyway.
 */
public final class LocalBuckets {

    /** {@code requests} per {@code seconds}, up to {@code burst}. */
    public record Shape(long requests, long seconds, long burst) {

        /** This replica's share of a limit while Redis is away: the rate and the burst over {@code replicas}. */
        static Shape shareOf(long requestsPerSecond, long burst, int replicas) {
            return shareOf(requestsPerSecond, 1, burst, replicas);
        }

        /** This replica's share of {@code requests} per {@code seconds} up to {@code burst}, over {@code replicas}. */
        public static Shape shareOf(long requests, long seconds, long burst, int replicas) {
            return new Shape(requests, seconds * replicas, Math.max(1, burst / replicas));
        }
    }

    private record Key(String key, Shape shape) {}

    private final TimeMeter time;
    private final Cache<Key, Bucket> buckets = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofMinutes(10))
            .build();

    /** Time from {@code clock}, so tests decide when buckets refill. */
    public LocalBuckets(Clock clock) {
        this.time = new ClockTime(clock);
    }

    public Bucket bucket(String key, Shape shape) {
        return buckets.get(new Key(key, shape), this::create);
    }

    /** The bucket if one was made, else null: asking makes none (an address that never failed has none). */
    public Bucket existing(String key, Shape shape) {
        return buckets.getIfPresent(new Key(key, shape));
    }

    private Bucket create(Key key) {
        return Bucket.builder()
                .addLimit(Bandwidth.builder()
                        .capacity(key.shape().burst())
                        .refillGreedy(
                                key.shape().requests(),
                                Duration.ofSeconds(key.shape().seconds()))
                        .build())
                .withCustomTimePrecision(time)
                .build();
    }
}
