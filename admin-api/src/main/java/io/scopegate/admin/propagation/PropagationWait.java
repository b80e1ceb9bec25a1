package io.scopegate.admin.propagation;

import io.scopegate.store.event.Acknowledgement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Waits, after a change's commit, until every live gateway replica has applied its token event or
 * {@code scopegate.propagation.max-wait} has passed. A replica's word comes by NOTIFY (at once) or from its
 * row, read at the start and every {@code recheck} (which also drops a replica that stopped meanwhile,
 * and keeps the wait working while the LISTEN connection is down). Never fails: what it could not
 * learn, it reports.
 * <p>
 * The rechecks are one poll shared by every wait under way (it runs only while some wait does): in a
 * storm of revocations the store answers one read per {@code recheck}, not one per call ({@link SharedPoll}).
 */
@Component
class PropagationWait {

    private final DatabaseClient db;
    private final GatewayAcknowledgements acknowledgements;
    private final PropagationSettings settings;
    private final SharedPoll<Map<String, Long>> rechecks;

    PropagationWait(DatabaseClient db, GatewayAcknowledgements acknowledgements, PropagationSettings settings) {
        this.db = db;
        this.acknowledgements = acknowledgements;
        this.settings = settings;
        this.rechecks = new SharedPoll<>(settings.recheck(), this::liveReplicas);
    }

    Mono<Propagation> await(long eventId) {
        return Mono.defer(() -> {
            long started = System.nanoTime();
            Tally tally = new Tally(eventId);
            // Subscribed first: an acknowledgement is then either heard or already in the rows read next.
            Flux<Boolean> heard = acknowledgements.heard().map(tally::heard);
            // Its own first read, started after that subscription; then the shared rechecks.
            Flux<Boolean> read = liveReplicas()
                    .onErrorResume(error -> Mono.empty())
                    .concatWith(rechecks.results())
                    .map(tally::read);
            return Flux.merge(heard, read)
                    .filter(confirmed -> confirmed)
                    .next()
                    .map(confirmed -> tally.result(since(started), false))
                    .timeout(settings.maxWait(), Mono.fromSupplier(() -> tally.result(since(started), true)));
        });
    }

    /**
     * Each replica seen alive within the live window, with the last event it said it applied. By the
     * store's clock, the one all replicas' rows are compared against here.
     */
    private Mono<Map<String, Long>> liveReplicas() {
        return db.sql("""
                        select instance_id, applied_event_id from gateway_instances
                        where seen_at > now() - :windowMillis * interval '1 millisecond'
                        """)
                .bind("windowMillis", settings.liveWindow().toMillis())
                .map(row -> Map.entry(row.get("instance_id", String.class), row.get("applied_event_id", Long.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .timeout(settings.maxWait());
    }

    private static Duration since(long startedNanos) {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }

    /** Which replicas are live (the latest read) and which of them applied the event (read or heard). */
    private static final class Tally {

        private final long eventId;
        private Set<String> live;
        private final Set<String> applied = new HashSet<>();

        Tally(long eventId) {
            this.eventId = eventId;
        }

        synchronized boolean read(Map<String, Long> rows) {
            live = rows.keySet();
            rows.forEach((instance, appliedUpTo) -> {
                if (appliedUpTo >= eventId) {
                    applied.add(instance);
                }
            });
            return confirmed();
        }

        synchronized boolean heard(Acknowledgement acknowledgement) {
            if (acknowledgement.appliedEventId() >= eventId) {
                applied.add(acknowledgement.instanceId());
            }
            return confirmed();
        }

        private boolean confirmed() {
            return live != null && applied.containsAll(live);
        }

        /** Timed out only if still unconfirmed: the last word may have come just as the bound passed. */
        synchronized Propagation result(Duration waited, boolean boundPassed) {
            boolean timedOut = boundPassed && !confirmed();
            if (live == null) {
                return new Propagation(0, -1, waited, timedOut, List.of());
            }
            List<String> unconfirmed = live.stream()
                    .filter(instance -> !applied.contains(instance))
                    .sorted()
                    .toList();
            return new Propagation(live.size() - unconfirmed.size(), live.size(), waited, timedOut, unconfirmed);
        }
    }
}
