package io.scopegate.gateway.revocation;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.limit.LiveReplicas;
import io.scopegate.store.lifecycle.RepeatingWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tells the store, every {@link #INTERVAL}, that this replica is alive and which token event it has
 * applied ({@code gateway_instances}): the admin API purges token events only once every replica
 * heard from lately has applied them. The id is the host name (the pod's, on Kubernetes) and a random
 * part, so a restarted replica is a new one and the old row ages out. The same beat reads how many
 * replicas are alive ({@link LiveReplicas}), so the request path never asks the store for it.
 */
@Component
class GatewayHeartbeat extends RepeatingWork {

    static final Duration INTERVAL = Duration.ofSeconds(5);

    private final DatabaseClient db;
    private final StoreSync sync;
    private final GatewaySettings settings;
    private final Clock clock;
    private final LiveReplicas liveReplicas;
    private final String instanceId;
    private final Instant startedAt;

    GatewayHeartbeat(
            DatabaseClient db, StoreSync sync, GatewaySettings settings, Clock clock, LiveReplicas liveReplicas) {
        this.db = db;
        this.liveReplicas = liveReplicas;
        this.sync = sync;
        this.settings = settings;
        this.clock = clock;
        String host = System.getenv().getOrDefault("HOSTNAME", "gateway");
        String name = host.length() > 40 ? host.substring(0, 40) : host;
        this.instanceId = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.startedAt = clock.instant();
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
        return db.sql("""
                        insert into gateway_instances (instance_id, applied_event_id, started_at, seen_at)
                        values (:id, :applied, :started, :now)
                        on conflict (instance_id) do update
                           set applied_event_id = excluded.applied_event_id, seen_at = excluded.seen_at
                        """)
                .bind("id", instanceId)
                .bind("applied", applied)
                .bind("started", startedAt)
                .bind("now", clock.instant())
                .then()
                .then(countLiveReplicas())
                .timeout(settings.storeTimeout());
    }

    private Mono<Void> countLiveReplicas() {
        return db.sql("select count(*) from gateway_instances where seen_at > :since")
                .bind("since", clock.instant().minus(LiveReplicas.WINDOW))
                .map(row -> row.get(0, Long.class))
                .one()
                .doOnNext(liveReplicas::seen)
                .then();
    }
}
