package io.scopegate.store.event;

import java.util.Objects;
import java.util.Optional;

/**
 * A gateway replica saying it has applied every {@link StoreEvent} up to and including
 * {@code appliedEventId}: written to its {@code gateway_instances} row and NOTIFYed on
 * {@link #CHANNEL} in the same statement, so the admin API, waiting for a change to hold everywhere,
 * hears it at once (and finds it in the row if it asked after the NOTIFY went by).
 */
public record Acknowledgement(String instanceId, long appliedEventId) {

    /** The channel the gateways NOTIFY and the admin API LISTENs on. */
    public static final String CHANNEL = "scopegate_acks";

    public Acknowledgement {
        Objects.requireNonNull(instanceId, "instanceId");
    }

    /** The NOTIFY payload: {@code "<instance id> <applied event id>"}; instance ids hold no spaces. */
    public String payload() {
        return instanceId + " " + appliedEventId;
    }

    /** The acknowledgement a payload names, or empty when it is malformed (never an exception in a listener). */
    public static Optional<Acknowledgement> parse(String payload) {
        if (payload == null) {
            return Optional.empty();
        }
        int space = payload.lastIndexOf(' ');
        if (space <= 0 || payload.indexOf(' ') != space) {
            return Optional.empty();
        }
        try {
            return Optional.of(
                    new Acknowledgement(payload.substring(0, space), Long.parseLong(payload.substring(space + 1))));
        } catch (NumberFormatException malformed) {
            return Optional.empty();
        }
    }
}
