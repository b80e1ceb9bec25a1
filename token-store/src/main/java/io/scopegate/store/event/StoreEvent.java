package io.scopegate.store.event;

import java.util.Objects;
import java.util.Optional;

/**
 * One change the gateways must apply: a row of {@code token_events}, and the payload of its
 * {@code NOTIFY} on {@link #CHANNEL}. The admin API writes both; the gateway LISTENs for the payload
 * (to reload the named entry at once) and polls the rows (so nothing is lost across a disconnect).
 *
 * @param subject the token SID ({@link Kind#TOKEN}), the account SID ({@link Kind#LEGACY_TOKEN}:
 *                the legacy tokens' Basic username) or the API id ({@link Kind#API})
 */
public record StoreEvent(long id, Kind kind, String subject) {

    /** The channel the admin API NOTIFYs and the gateways LISTEN on. */
    public static final String CHANNEL = "scopegate_events";

    /**
     * The transaction-level advisory lock a writer takes before inserting an event, so that events
     * commit in id order. Gateways poll {@code where id > cursor}: without the lock, an event whose
     * transaction took id 10 but committed after the one that took 11 would be skipped for good.
     */
    public static final long WRITE_LOCK = 0x5C09E6A7E0001L;

    /** What an event invalidates in a gateway's memory. */
    public enum Kind {
        /** One scoped token, by SID. */
        TOKEN,
        /** Both legacy tokens of one account, by account SID. */
        LEGACY_TOKEN,
        /** The API catalog. */
        API;

        /**
         * The kind named by a row or payload, or empty for a name this version does not know (written
         * by a newer admin API): the reader decides how to stay safe, never an exception in its loop.
         */
        public static Optional<Kind> named(String name) {
            for (Kind kind : values()) {
                if (kind.name().equals(name)) {
                    return Optional.of(kind);
                }
            }
            return Optional.empty();
        }

        /** Whether the subject is a Basic username whose cache entry the event replaces. */
        public boolean namesCredential() {
            return this != API;
        }
    }

    public StoreEvent {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(subject, "subject");
    }

    /** The NOTIFY payload: {@code "<id> <kind> <subject>"}; subjects (SIDs, API ids) hold no spaces. */
    public String payload() {
        return id + " " + kind.name() + " " + subject;
    }

    /**
     * The event a NOTIFY payload names, or empty when it is malformed or of an unknown kind: a bad
     * payload must never stop a gateway's sync loop, and the polled row is applied anyway.
     */
    public static Optional<StoreEvent> parse(String payload) {
        if (payload == null) {
            return Optional.empty();
        }
        String[] parts = payload.split(" ", 3);
        if (parts.length != 3 || parts[2].isEmpty() || parts[2].contains(" ")) {
            return Optional.empty();
        }
        long id;
        try {
            id = Long.parseLong(parts[0]);
        } catch (NumberFormatException malformed) {
            return Optional.empty();
        }
        return Kind.named(parts[1]).map(kind -> new StoreEvent(id, kind, parts[2]));
    }
}
