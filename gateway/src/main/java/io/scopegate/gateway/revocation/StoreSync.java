package io.scopegate.gateway.revocation;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.catalog.CatalogRoutes;
import io.scopegate.gateway.token.TokenCache;
import io.scopegate.store.event.StoreEvent;
import io.scopegate.store.lifecycle.RepeatingWork;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Keeps the gateway's memory in step with the store. {@code token_events} is the source of truth,
 * read from a cursor (the last id applied) so nothing is missed across a lost connection or an outage;
 * the poll runs every {@code poll-interval} and at once on each NOTIFY. Each event drops the cache
 * entry it names (or reloads the catalog); the next request loads the new state. A token's NOTIFY
 * reloads its entry straight away (see applyHint).
 */
@Component
public class StoreSync extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(StoreSync.class);
    private static final int BATCH = 500;

    private static final int MAX_HINTED = 10_000;

    /** A polled {@code token_events} row; its kind is kept as written, as a newer writer may know more kinds. */
    record EventRow(long id, Instant at, String kind, String subject) {}

    private final DatabaseClient db;
    private final TokenCache cache;
    private final CatalogRoutes catalog;
    private final ChangeNotifications notifications;
    private final GatewaySettings settings;
    private final Clock clock;
    private final Timer lag;
    private final AtomicLong cursor = new AtomicLong(-1);
    /** The cursor each time it moved: what {@link AppliedAcknowledgements} tells the admin API. */
    private final Sinks.Many<Long> advances = Sinks.many().replay().latest();

    private final HintedEvents hinted = new HintedEvents(MAX_HINTED);
    private volatile Instant lastSuccessfulSync;
    private volatile boolean lastRunSucceeded;

    StoreSync(
            DatabaseClient db,
            TokenCache cache,
            CatalogRoutes catalog,
            ChangeNotifications notifications,
            GatewaySettings settings,
            Clock clock,
            MeterRegistry registry) {
        this.db = db;
        this.cache = cache;
        this.catalog = catalog;
        this.notifications = notifications;
        this.settings = settings;
        this.clock = clock;
        this.lag = Timer.builder("scopegate.invalidation.lag")
                .description("From a change's commit in the store to this gateway applying it")
                .publishPercentileHistogram()
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    /** Every poll interval, and at once on each NOTIFY (after its hint was applied). */
    @Override
    protected Flux<?> triggers() {
        return Flux.merge(
                Flux.interval(Duration.ZERO, settings.pollInterval()),
                notifications.notifications().doOnNext(this::applyHint));
    }

    /**
     * A failed run is logged by the loop and leaves lastSuccessfulSync where it was: the cache is
     * then trusted only for outage-grace (see the authenticator's OutageGrace).
     */
    @Override
    protected Mono<Void> runOnce() {
        long from = cursor.get();
        Mono<Void> work = from < 0 ? initialise() : catchUp(from);
        return work.timeout(settings.storeTimeout())
                .doOnError(error -> lastRunSucceeded = false)
                .doOnSuccess(done -> {
                    lastSuccessfulSync = clock.instant();
                    lastRunSucceeded = true;
                });
    }

    /**
     * A NOTIFY names what changed ({@code "<id> <kind> <subject>"}): reload that entry now rather than
     * after the poll's query. Safe, as PostgreSQL delivers the NOTIFY only after the commit, so the
     * load started here reads the changed row; the poll that follows then applies the event in order
     * and moves the cursor without dropping the entry again (which would throw that load away).
     */
    void applyHint(String payload) {
        // Malformed payloads and catalog changes are left to the poll, which reads the row itself.
        StoreEvent.parse(payload)
                .filter(event -> event.kind().namesCredential() && isWarm())
                .ifPresent(this::reloadNow);
    }

    private void reloadNow(StoreEvent event) {
        cache.reload(event.subject());
        if (event.id() > cursor.get()) {
            hinted.remember(event);
        }
    }

    /** Cursor first, then the catalog: a change made in between is still seen as an event. */
    private Mono<Void> initialise() {
        return db.sql("select coalesce(max(id), 0) from token_events")
                .map(row -> row.get(0, Long.class))
                .one()
                .flatMap(max -> catalog.reload(settings.storeTimeout()).doOnSuccess(done -> {
                    cache.invalidateAll();
                    advanceTo(max);
                    log.info("store sync ready at event {} with {} APIs", max, catalog.size());
                }));
    }

    private Mono<Void> catchUp(long from) {
        return db.sql("""
                select id, at, kind, coalesce(token_sid, api_id, '') as subject
                from token_events where id > :from order by id limit %d
                """.formatted(BATCH))
                .bind("from", from)
                .map(row -> new EventRow(
                        row.get("id", Long.class),
                        row.get("at", Instant.class),
                        row.get("kind", String.class),
                        row.get("subject", String.class)))
                .all()
                .collectList()
                .flatMap(events -> events.isEmpty() || events.get(0).id() == from + 1
                        ? apply(events)
                        : purgedPast(from).flatMap(purged -> purged ? startAfresh(from) : apply(events)));
    }

    /**
     * Whether events after the cursor may have been purged: the admin API deletes the oldest token
     * events once every replica heard from lately has applied them (and always keeps the newest), so
     * a replica away for longer than their retention finds none at or below its cursor. Asked only
     * when the next event's id is not the cursor's successor (a purge, or a rolled-back id).
     */
    private Mono<Boolean> purgedPast(long from) {
        return db.sql("select not exists (select 1 from token_events where id <= :from)")
                .bind("from", from)
                .map(row -> row.get(0, Boolean.class))
                .one();
    }

    /** Fail closed: what changed meanwhile is unknown, so nothing cached is kept. */
    private Mono<Void> startAfresh(long from) {
        log.warn("token events after {} were purged while this replica was away; dropping its cache", from);
        return initialise();
    }

    private Mono<Void> apply(List<EventRow> events) {
        if (events.isEmpty()) {
            return Mono.empty();
        }
        Set<String> changedApis = new HashSet<>();
        Instant now = clock.instant();
        for (EventRow event : events) {
            StoreEvent.Kind kind = StoreEvent.Kind.named(event.kind()).orElse(null);
            if (kind == null) {
                // Fail closed: whatever a newer writer's event names, nothing cached may outlive it.
                log.warn(
                        "unknown event kind {} (id {}); dropping the whole cache to be safe", event.kind(), event.id());
                cache.invalidateAll();
            } else if (kind.namesCredential()) {
                invalidateUnlessHinted(event.id(), event.subject());
            } else {
                changedApis.add(event.subject());
            }
            Duration eventLag = Duration.between(event.at(), now);
            lag.record(eventLag.isNegative() ? Duration.ZERO : eventLag);
        }
        long last = events.get(events.size() - 1).id();
        Mono<Void> reload = catalog.reload(changedApis, settings.storeTimeout());
        return reload.doOnSuccess(done -> advanceTo(last))
                // A full batch means more may be waiting: keep going now rather than at the next tick.
                .then(events.size() == BATCH ? Mono.defer(() -> catchUp(last)) : Mono.empty());
    }

    /** Runs serially (one sync run at a time), so the emissions never race. */
    private void advanceTo(long applied) {
        cursor.set(applied);
        advances.tryEmitNext(applied);
    }

    /**
     * The last event applied, each time it moves (the latest one at once on subscribing). Every event
     * up to it holds in this replica's memory: dropped or reloaded entries, the catalog reloaded.
     */
    public Flux<Long> advances() {
        return advances.asFlux();
    }

    /** An entry the NOTIFY of this very event already reloaded after the commit needs nothing more. */
    private void invalidateUnlessHinted(long eventId, String username) {
        if (!hinted.consume(eventId, username)) {
            cache.invalidate(username);
        }
    }

    /** Ready once the catalog is loaded and the cursor set: before that every answer would be a guess. */
    public boolean isWarm() {
        return cursor.get() >= 0;
    }

    /** Whether the latest poll reached the store; false during an outage. */
    public boolean lastRunSucceeded() {
        return lastRunSucceeded;
    }

    public Instant lastSuccessfulSync() {
        return lastSuccessfulSync;
    }

    public long cursor() {
        return cursor.get();
    }

    public boolean listening() {
        return notifications.listening();
    }
}
