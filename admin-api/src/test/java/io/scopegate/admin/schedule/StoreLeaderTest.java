package io.scopegate.admin.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.r2dbc.spi.ConnectionFactory;
import io.scopegate.admin.AdminApiTest;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/** One leader at a time through the real store, and a prompt hand-over when it stops. */
class StoreLeaderTest extends AdminApiTest {

    private static final long TEST_LOCK = 0x5C09E6A7E0F00L;

    @Autowired
    ConnectionFactory connections;

    @Autowired
    StoreLeader schedulerLeader;

    @LocalManagementPort
    int managementPort;

    @Test
    void exactlyOneOfTwoReplicasLeadsAndTheOtherTakesOverWhenItStops() {
        StoreLeader first = new StoreLeader(connections, TEST_LOCK, "a test", Duration.ofMillis(100));
        StoreLeader second = new StoreLeader(connections, TEST_LOCK, "a test", Duration.ofMillis(100));
        first.start();
        await().atMost(Duration.ofSeconds(5)).until(first::isLeader);
        second.start();
        try {
            // Checks keep running: the second never becomes a leader beside the first.
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(() -> !second.isLeader());
            assertThat(first.isLeader()).isTrue();

            first.stop();
            assertThat(first.isLeader()).isFalse();
            await().atMost(Duration.ofSeconds(5)).until(second::isLeader);
        } finally {
            for (StoreLeader leader : List.of(first, second)) {
                leader.stop();
            }
        }
    }

    @Test
    void thisAdminApiLeadsTheSchedulerAndSaysSo() {
        await().atMost(Duration.ofSeconds(10)).until(schedulerLeader::isLeader);
        String scrape = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + managementPort)
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(32 * 1024 * 1024))
                .build()
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(scrape).contains("scopegate_admin_leader 1.0");
    }
}
