package io.scopegate.store.event;

import io.r2dbc.postgresql.api.PostgresqlConnection;
import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * {@code LISTEN <channel>} on a connection of its own (a pooled one would be handed to other queries),
 * as a never-ending stream of the notifications' payloads that reconnects by itself with backoff.
 * The gateways listen for {@link StoreEvent}s, the admin API for the gateways' {@link Acknowledgement}s.
 */
public final class StoreListener {

    private static final Logger log = LoggerFactory.getLogger(StoreListener.class);

    /** The element a connection emits once it has stayed up {@link #STAYED_UP}: no payload, a reason to catch up. */
    public static final String CONNECTED = "";

    static final Duration STAYED_UP = Duration.ofMillis(500);

    private final ConnectionFactory connections;
    private final String channel;
    private volatile boolean listening;

    /**
     * @param url the store's R2DBC URL (a pool URL is listened to without its pool)
     * @param username null when the URL carries it
     * @param password null when the URL carries it
     */
    public StoreListener(String url, String username, CharSequence password, String channel) {
        if (!channel.matches("[a-z_]+")) {
            throw new IllegalArgumentException("not a channel name: " + channel); // it is spliced into LISTEN
        }
        ConnectionFactoryOptions.Builder options = ConnectionFactoryOptions.parse(url.replace("r2dbc:pool:", "r2dbc:"))
                .mutate();
        if (username != null) {
            options.option(ConnectionFactoryOptions.USER, username);
        }
        if (password != null) {
            options.option(ConnectionFactoryOptions.PASSWORD, password);
        }
        options.option(ConnectionFactoryOptions.CONNECT_TIMEOUT, Duration.ofSeconds(5));
        this.connections = ConnectionFactories.get(options.build());
        this.channel = channel;
    }

    /** One element per notification, and {@link #CONNECTED} per lasting connection, forever; reconnects by itself. */
    public Flux<String> notifications() {
        return Flux.usingWhen(
                        Mono.from(connections.create()).cast(PostgresqlConnection.class),
                        connection -> connection
                                .createStatement("LISTEN " + channel)
                                .execute()
                                .flatMap(result -> result.getRowsUpdated())
                                .doOnComplete(() -> {
                                    listening = true;
                                    log.info("listening on {}", channel);
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
                                "LISTEN {} connection lost ({}); reconnecting",
                                channel,
                                signal.failure().getMessage())));
    }

    public boolean listening() {
        return listening;
    }
}
