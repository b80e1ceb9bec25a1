package io.scopegate.store.lifecycle;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.Wrapped;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Elects one replica through the store, for work that must run once however many replicas run
 * (exporting the findings gauges, sending notifications): the holder of a PostgreSQL session-level
 * advisory lock on a connection it keeps. Each check either tries to take the lock or proves the
 * held connection alive; a replica whose connection died stops being leader at its next check, and
 * PostgreSQL releases the lock when the session ends, so another replica takes over within one
 * check interval. In that interval two replicas may both act: work that must not repeat also
 * de-duplicates in the store.
 */
public class StoreLeader extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(StoreLeader.class);
    private static final Duration QUERY_TIMEOUT = Duration.ofSeconds(5);

    private final ConnectionFactory connections;
    private final long lockKey;
    private final String name;
    private final Duration checkEvery;
    private final AtomicReference<Connection> held = new AtomicReference<>();
    private volatile boolean leader;

    /** @param name what is elected, for the log: e.g. "notifications" */
    public StoreLeader(ConnectionFactory connections, long lockKey, String name, Duration checkEvery) {
        this.connections = unpooled(connections);
        this.lockKey = lockKey;
        this.name = name;
        this.checkEvery = checkEvery;
    }

    /**
     * The connection factory behind a pool: the lock lives as long as its session, so the leader keeps
     * a connection of its own, and closing it ends the session (a pooled connection would go back to
     * the pool still holding the lock).
     */
    private static ConnectionFactory unpooled(ConnectionFactory factory) {
        ConnectionFactory current = factory;
        while (current instanceof Wrapped<?> wrapped && wrapped.unwrap() instanceof ConnectionFactory inner) {
            current = inner;
        }
        return current;
    }

    /** Whether this replica holds the lock as of its latest check. */
    public boolean isLeader() {
        return leader;
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(Duration.ZERO, checkEvery);
    }

    @Override
    protected Mono<Void> runOnce() {
        return check().timeout(QUERY_TIMEOUT).onErrorResume(error -> {
            if (leader) {
                log.warn("this replica no longer leads {}: its store connection failed: {}", name, error.toString());
            }
            release();
            return Mono.empty();
        });
    }

    private Mono<Void> check() {
        Connection connection = held.get();
        if (connection == null) {
            return Mono.from(connections.create()).flatMap(created -> {
                held.set(created);
                return tryLock(created);
            });
        }
        return leader ? single(connection, "select 1").then() : tryLock(connection);
    }

    private Mono<Void> tryLock(Connection connection) {
        return Mono.from(connection
                        .createStatement("select pg_try_advisory_lock($1)")
                        .bind("$1", lockKey)
                        .execute())
                .flatMap(result -> Mono.from(result.map((row, meta) -> Boolean.TRUE.equals(row.get(0, Boolean.class)))))
                .doOnNext(acquired -> {
                    if (acquired && !leader) {
                        log.info("this replica now leads {}", name);
                    }
                    leader = acquired;
                })
                .then();
    }

    private static Mono<Object> single(Connection connection, String sql) {
        Publisher<? extends io.r2dbc.spi.Result> results =
                connection.createStatement(sql).execute();
        return Mono.from(results).flatMap(result -> Mono.from(result.map((row, meta) -> row.get(0))));
    }

    private void release() {
        leader = false;
        Connection connection = held.getAndSet(null);
        if (connection != null) {
            Mono.from(connection.close()).onErrorResume(ignored -> Mono.empty()).subscribe();
        }
    }

    /** Starts before and stops after the work it elects for (the default phase): no run outlives the lock. */
    @Override
    public int getPhase() {
        return DEFAULT_PHASE - 1024;
    }

    @Override
    public void stop() {
        super.stop();
        // Closing the session releases the lock at once, so another replica takes over at its next check.
        if (leader) {
            log.info("this replica stops leading {}: it is stopping", name);
        }
        release();
    }
}
