package io.scopegate.gateway.revocation;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import io.scopegate.store.event.StoreEvent;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * {@code LISTEN scopegate_events} on a connection of its own (a pooled one would be handed to other
 * queries). A notification names its event ({@link StoreEvent#payload}); the sync reloads that entry
 * at once and its poll applies the event row in order. When the connection
 * drops, it reconnects with backoff; until then the poll interval bounds how late a change is seen.
 */
@Component
class ChangeNotifications {

    private static final Logger log = LoggerFactory.getLogger(ChangeNotifications.class);

    private final ConnectionFactory listenerConnections;
    private volatile boolean listening;

    ChangeNotifications(R2dbcProperties properties) {
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(
                        properties.getUrl().replace("r2dbc:pool:", "r2dbc:"))
                .mutate();
        if (properties.getUsername() != null) {
            options.option(ConnectionFactoryOptions.USER, properties.getUsername());
        }
        if (properties.getPassword() != null) {
            options.option(ConnectionFactoryOptions.PASSWORD, properties.getPassword());
        }
        options.option(ConnectionFactoryOptions.CONNECT_TIMEOUT, Duration.ofSeconds(5));
        this.listenerConnections = ConnectionFactories.get(options.build());
    }

    /** The element a connection emits once it has stayed up {@link #STAYED_UP}: no event, a reason to poll. */
    static final String CONNECTED = "";

    static final Duration STAYED_UP = Duration.ofMillis(500);

    /** One element per notification, and {@link #CONNECTED} per lasting connection, forever; reconnects by itself. */
    Flux<String> notifications() {
        return Flux.usingWhen(
                        Mono.from(listenerConnections.create()).cast(PostgresqlConnection.class),
                        connection -> connection
                                .createStatement("LISTEN " + StoreEvent.CHANNEL)
                                .execute()
                                .flatMap(result -> result.getRowsUpdated())
                                .doOnComplete(() -> {
                                    listening = true;
                                    log.info("listening for store changes on {}", StoreEvent.CHANNEL);
                                })
                                // An element once the connection has stayed up a while: the backoff below
                                // starts over (transient errors), but a connection dropped at once each time
                                // keeps backing off instead of reconnecting ten times a second.
                                .thenMany(Flux.merge(
                                        Mono.just(CONNECTED).delayElement(STAYED_UP),
                                        connection
                                                .getNotifications()
                                                .map(notification -> notification.getParameter() == null
                                                        ? ""
                                                        : notification.getParameter()))),
                        connection -> connection.close())
                .doOnTerminate(() -> listening = false)
                .doOnCancel(() -> listening = false)
                // The stream of notifications never ends on its own: an end is a lost connection.
                .concatWith(Mono.error(new IllegalStateException("LISTEN connection closed")))
                // Transient: the backoff counts the failures since the last successful LISTEN only,
                // not every loss in the process's life (after a few outages each took 5 s to recover).
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100))
                        .maxBackoff(Duration.ofSeconds(5))
                        .transientErrors(true)
                        .doBeforeRetry(signal -> log.warn(
                                "LISTEN connection lost ({}); reconnecting",
                                signal.failure().getMessage())));
    }

    boolean listening() {
        return listening;
    }
}
