package io.scopegate.store.event;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.store.event.StoreEvent.Kind;
import org.junit.jupiter.api.Test;

class StoreEventTest {

    @Test
    void payloadNamesIdKindAndSubject() {
        assertThat(new StoreEvent(42, Kind.TOKEN, "SKabc").payload()).isEqualTo("42 TOKEN SKabc");
        assertThat(new StoreEvent(7, Kind.LEGACY_TOKEN, "AC1").payload()).isEqualTo("7 LEGACY_TOKEN AC1");
    }

    @Test
    void parseReadsWhatPayloadWrites() {
        for (Kind kind : Kind.values()) {
            StoreEvent event = new StoreEvent(123456789012L, kind, "subject-1");
            assertThat(StoreEvent.parse(event.payload())).contains(event);
        }
    }

    @Test
    void malformedPayloadsAreEmptyNotErrors() {
        assertThat(StoreEvent.parse(null)).isEmpty();
        assertThat(StoreEvent.parse("")).isEmpty();
        assertThat(StoreEvent.parse("42 TOKEN")).isEmpty();
        assertThat(StoreEvent.parse("42 TOKEN ")).isEmpty();
        assertThat(StoreEvent.parse("x TOKEN SKabc")).isEmpty();
        assertThat(StoreEvent.parse("42 TOKEN SK a")).isEmpty();
    }

    @Test
    void unknownKindIsEmptySoANewerWriterCannotBreakAnOlderReader() {
        assertThat(StoreEvent.parse("42 WEBHOOK wh_1")).isEmpty();
        assertThat(Kind.named("WEBHOOK")).isEmpty();
        assertThat(Kind.named("TOKEN")).contains(Kind.TOKEN);
    }

    @Test
    void onlyCatalogEventsNameNoCredential() {
        assertThat(Kind.TOKEN.namesCredential()).isTrue();
        assertThat(Kind.LEGACY_TOKEN.namesCredential()).isTrue();
        assertThat(Kind.API.namesCredential()).isFalse();
    }
}
