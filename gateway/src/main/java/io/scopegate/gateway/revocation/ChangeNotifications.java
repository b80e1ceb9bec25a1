package io.scopegate.gateway.revocation;

import io.scopegate.store.event.StoreEvent;
import io.scopegate.store.event.StoreListener;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * {@code LISTEN scopegate_events}: a notification names its event ({@link StoreEvent#payload}); the
 * sync reloads that entry at once and its poll applies the event row in order. When the connection
 * drops, it reconnects with backoff; until then the poll interval bounds how late a change is seen.
 */
@Component
class ChangeNotifications {

    private final StoreListener listener;

    ChangeNotifications(R2dbcProperties properties) {
        this.listener = new StoreListener(
                properties.getUrl(), properties.getUsername(), properties.getPassword(), StoreEvent.CHANNEL);
    }

    /** One element per notification, and {@link StoreListener#CONNECTED} per lasting connection, forever. */
    Flux<String> notifications() {
        return listener.notifications();
    }

    boolean listening() {
        return listener.listening();
    }
}
