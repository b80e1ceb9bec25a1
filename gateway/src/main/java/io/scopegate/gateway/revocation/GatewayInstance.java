package io.scopegate.gateway.revocation;

import io.scopegate.store.event.Acknowledgement;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * This replica's row of {@code gateway_instances}: alive, and applied up to which token event. The id
 * is the host name (the pod's, on Kubernetes) and a random part, so a restarted replica is a new one
 * and the old row ages out. Each report is also NOTIFYed ({@link Acknowledgement}) so that an admin
 * call waiting for its change to hold on every replica hears of it at once.
 */
@Component
public class GatewayInstance {

    private final DatabaseClient db;
    private final String id;
    private final Instant startedAt;
    private volatile boolean left;

    GatewayInstance(DatabaseClient db, Clock clock) {
        this.db = db;
        String host = System.getenv().getOrDefault("HOSTNAME", "gateway").replace(' ', '-');
        String name = host.length() > 40 ? host.substring(0, 40) : host;
        this.id = name + "-" + UUID.randomUUID().toString().substring(0, 8);
        this.startedAt = clock.instant();
    }

    /** The {@code instance_id} of this replica's row (also in its {@code storeSync} health details). */
    public String id() {
        return id;
    }

    /** Alive now, with every event up to {@code applied} in effect here; nothing once {@link #leave}d. */
    Mono<Void> report(long applied) {
        if (left) {
            return Mono.empty();
        }
        // One statement: the row and its NOTIFY commit together, so whoever missed the NOTIFY finds the row.
        return db.sql("""
                        with reported as (
                            insert into gateway_instances (instance_id, applied_event_id, started_at, seen_at)
                            values (:id, :applied, :started, now())
                            on conflict (instance_id) do update
                               -- greatest: a heartbeat that read the cursor before an acknowledgement moved it
                               -- must not write it back; now(): seen by the store's clock, which the admin API
                               -- compares with (a gateway's clock may be off)
                               set applied_event_id = greatest(gateway_instances.applied_event_id, excluded.applied_event_id),
                                   seen_at = excluded.seen_at
                               -- a report that raced with leave() must not bring the replica back
                               where gateway_instances.seen_at <> '-infinity'
                            returning instance_id)
                        select pg_notify(:channel, :payload) from reported
                        """)
                .bind("id", id)
                .bind("applied", applied)
                .bind("started", startedAt)
                .bind("channel", Acknowledgement.CHANNEL)
                .bind("payload", new Acknowledgement(id, applied).payload())
                .then();
    }

    /**
     * Out of the live set at once (stopping): an admin call must not wait for a replica that will
     * never apply its change. The row is not deleted (the gateway's role may not); it ages out.
     */
    Mono<Void> leave() {
        left = true;
        return db.sql("update gateway_instances set seen_at = '-infinity' where instance_id = :id")
                .bind("id", id)
                .then();
    }
}
