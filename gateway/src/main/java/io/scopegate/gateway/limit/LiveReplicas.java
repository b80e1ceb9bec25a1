package io.scopegate.gateway.limit;

import java.time.Duration;
import org.springframework.stereotype.Component;

/**
 * How many gateway replicas are alive, as the store's {@code gateway_instances} says (rows seen within
 * {@link #WINDOW}). Written by the heartbeat loop, read on the request path from memory only: when the
 * shared backend is away, each replica takes this share of every limit.
 */
@Component
public class LiveReplicas {

    /** Three missed heartbeats (every 5 s) and a replica no longer counts. */
    public static final Duration WINDOW = Duration.ofSeconds(15);

    private volatile int count = 1;

    /** At least 1: this replica is alive even before its first heartbeat reached the store. */
    public int count() {
        return count;
    }

    public void seen(long replicas) {
        count = (int) Math.max(1, Math.min(replicas, 10_000));
    }
}
