package io.scopegate.gateway.revocation;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.store.event.StoreEvent;
import org.junit.jupiter.api.Test;

/** The NOTIFY/poll de-duplication: an entry reloaded by its event's NOTIFY is not dropped again by the poll. */
class HintedEventsTest {

    private final HintedEvents hinted = new HintedEvents(3);

    @Test
    void theNotifiedEventExcusesThePollOnceForThatSubjectOnly() {
        hinted.remember(new StoreEvent(7, StoreEvent.Kind.TOKEN, "ST1"));

        assertThat(hinted.consume(7, "ST2")).isFalse();
        assertThat(hinted.consume(6, "ST1")).isFalse();
        assertThat(hinted.consume(7, "ST1")).isTrue();
        assertThat(hinted.consume(7, "ST1")).isFalse();
    }

    @Test
    void pastItsCapacityItForgetsSoThePollDropsEntriesItself() {
        for (int id = 1; id <= 3; id++) {
            hinted.remember(new StoreEvent(id, StoreEvent.Kind.TOKEN, "ST" + id));
        }
        hinted.remember(new StoreEvent(4, StoreEvent.Kind.TOKEN, "ST4"));

        assertThat(hinted.size()).isEqualTo(1);
        assertThat(hinted.consume(1, "ST1")).isFalse();
        assertThat(hinted.consume(4, "ST4")).isTrue();
    }
}
