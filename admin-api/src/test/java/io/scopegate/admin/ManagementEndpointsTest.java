package io.scopegate.admin;

import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The management port answers health and Prometheus without credentials; health details (the store's
 * state) only to an operator (security review, issue 14, finding 7).
 */
class ManagementEndpointsTest extends AdminApiTest {

    @LocalManagementPort
    int managementPort;

    private WebTestClient management() {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + managementPort)
                .build();
    }

    @Test
    void healthShowsOnlyTheStatusToAnonymousCallersAndPrometheusExportsMetrics() {
        management()
                .get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.status")
                .isEqualTo("UP")
                .jsonPath("$.components")
                .doesNotExist()
                .jsonPath("$.details")
                .doesNotExist();
        management()
                .get()
                .uri("/actuator/health/readiness")
                .exchange()
                .expectStatus()
                .isOk();
        management()
                .get()
                .uri("/actuator/health/liveness")
                .exchange()
                .expectStatus()
                .isOk();
        management()
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .value(body -> org.assertj.core.api.Assertions.assertThat(body).contains("jvm_memory_used_bytes"));
    }

    @Test
    void anOperatorSeesTheStoresState() {
        management()
                .get()
                .uri("/actuator/health")
                .headers(headers -> headers.setBasicAuth("admin", OPERATOR_PASSWORD))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.components.r2dbc.status")
                .isEqualTo("UP");
    }
}
