package io.scopegate.gateway.revocation;

import io.scopegate.store.event.StoreEvent;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Events whose NOTIFY already reloaded the entry they name, so that the poll, applying the same
 * event later, does not drop that entry again (which would throw the fresh load away). Keyed by
 * event id and subject: a notification naming another subject for the same id excuses nothing.
 */
final class HintedEvents {

    private final int capacity;
    private final Set<String> reloaded = ConcurrentHashMap.newKeySet();

    HintedEvents(int capacity) {
        this.capacity = capacity;
    }

    void remember(StoreEvent event) {
        if (reloaded.size() >= capacity) {
            // The poll is far behind (store trouble): forget; it will then drop the entries itself.
            reloaded.clear();
        }
        reloaded.add(key(event.id(), event.subject()));
    }

    /** True, once, when the NOTIFY of this very event already reloaded this subject. */
    boolean consume(long eventId, String subject) {
        return reloaded.remove(key(eventId, subject));
    }

    int size() {
        return reloaded.size();
    }

    private static String key(long eventId, String subject) {
        return eventId + " " + subject;
    }
}
