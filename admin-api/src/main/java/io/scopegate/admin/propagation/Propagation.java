package io.scopegate.admin.propagation;

import java.time.Duration;
import java.util.List;

/**
 * What an admin call knows, when it answers, of the gateway replicas applying its change.
 *
 * @param confirmed   live replicas that said they applied it
 * @param live        replicas seen alive (a heartbeat within the live window); -1 when the store could
 *                    not be asked after the commit
 * @param waited      from the commit to the answer
 * @param timedOut    the wait's bound passed first
 * @param unconfirmed the live replicas that did not confirm, by instance id
 */
public record Propagation(int confirmed, int live, Duration waited, boolean timedOut, List<String> unconfirmed) {

    public static final String HEADER = "Scopegate-Propagation";

    public Propagation {
        unconfirmed = List.copyOf(unconfirmed);
    }

    boolean known() {
        return live >= 0;
    }

    /**
     * {@code confirmed=3/3; ms=14}; {@code confirmed=1/2; ms=1000; timeout} when the bound passed first;
     * {@code unknown; ms=1000} when the store could not say which replicas are alive.
     */
    public String header() {
        String ms = "ms=" + waited.toMillis();
        if (!known()) {
            return "unknown; " + ms;
        }
        return "confirmed=" + confirmed + "/" + live + "; " + ms + (timedOut ? "; timeout" : "");
    }
}
