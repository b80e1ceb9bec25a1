package io.scopegate.gateway.revocation;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.limit.LiveReplicas;
import io.scopegate.store.lifecycle.RepeatingWork;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tells the store, every {@link #INTERVAL}, that this replica is alive and which token event it has
 * applied ({@link GatewayInstance}): the admin API purges token events only once every replica heard
 * from lately has applied them, and waits for the live ones when a change revokes. The same beat reads
 * how many replicas are alive ({@link LiveReplicas}), so the request path never asks the store for it.
 * Stopping takes this replica out of the live set before the application closes.
 */
@Component
class GatewayHeartbeat extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(GatewayHeartbeat.class);

    static final Duration INTERVAL = Duration.ofSeconds(5);

    private final DatabaseClient db;
    private final StoreSync sync;
    private final GatewayInstance instance;
    private final GatewaySettings settings;
    private final LiveReplicas liveReplicas;

    GatewayHeartbeat(
            DatabaseClient db,
            StoreSync sync,
            GatewayInstance instance,
            GatewaySettings settings,
            LiveReplicas liveReplicas) {
        this.db = db;
        this.sync = sync;
        this.instance = instance;
        this.settings = settings;
        this.liveReplicas = liveReplicas;
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(INTERVAL, INTERVAL);
    }

    @Override
    protected Mono<Void> runOnce() {
        long applied = sync.cursor();
        if (applied < 0) {
            return Mono.empty(); // not synced yet: nothing applied to report
        }
        return instance.report(applied).then(countLiveReplicas()).timeout(settings.storeTimeout());
    }

    @Override
    public void stop(Runnable callback) {
        super.stop(() -> instance.leave()
                .timeout(settings.storeTimeout())
                .doOnError(
                        error -> log.warn("could not leave the live replicas ({}); the row ages out", error.toString()))
                .onErrorComplete()
                .doFinally(done -> callback.run())
                .subscribe());
    }

    private Mono<Void> countLiveReplicas() {
        return db.sql("""
                        select count(*) from gateway_instances
                        where seen_at > now() - :windowMillis * interval '1 millisecond'
                        """)
                .bind("windowMillis", LiveReplicas.WINDOW.toMillis())
                .map(row -> row.get(0, Long.class))
                .one()
                .doOnNext(liveReplicas::seen)
                .then();
    }
}
