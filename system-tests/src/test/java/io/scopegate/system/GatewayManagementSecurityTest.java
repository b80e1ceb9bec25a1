package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Security review, issue 14, finding 7: whoever reached a management port saw full health details
 * (the store's state, the event cursor). Now the status only, and the orchestrator's probes still
 * answer. (The network side — loopback in run.sh, a NetworkPolicy in Kubernetes — is checked by
 * DeploymentConfigTest.)
 */
@Tag("security")
class GatewayManagementSecurityTest extends SystemTest {

    @Test
    void gatewayHealthShowsOnlyItsStatusAndTheProbesKeepWorking() {
        String body = gatewayA.management()
                .get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(body).contains("\"status\":\"UP\"").doesNotContain("storeSync", "eventCursor", "details", "r2dbc");
        for (String probe : new String[] {"/actuator/health/liveness", "/actuator/health/readiness"}) {
            assertThat(gatewayA.management()
                            .get()
                            .uri(probe)
                            .exchange()
                            .expectStatus()
                            .isOk()
                            .expectBody(String.class)
                            .returnResult()
                            .getResponseBody())
                    .as(probe)
                    .contains("\"status\":\"UP\"")
                    .doesNotContain("eventCursor", "details");
        }
    }

    @Test
    void adminApiHealthShowsOnlyItsStatusToAnonymousCallers() {
        ConfigurableApplicationContext admin = system.admin;
        String port = admin.getEnvironment().getProperty("local.management.port");
        String body = org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .build()
                .get()
                .uri("/actuator/health")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(body).contains("\"status\":\"UP\"").doesNotContain("r2dbc", "details", "components");
    }
}
