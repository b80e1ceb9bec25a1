package io.scopegate.admin.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The default, as in production: an upstream on loopback or a private network is refused (it would
 * publish, say, a management port on the gateway's public port) until an operator allows it.
 */
class CatalogUpstreamTest extends AdminApiTest {

    @DynamicPropertySource
    static void privateUpstreamsRefused(DynamicPropertyRegistry properties) {
        properties.add("scopegate.catalog.allow-private-upstreams", () -> "false");
    }

    private org.springframework.test.web.reactive.server.WebTestClient.ResponseSpec save(String id, String upstream) {
        return operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        "API " + id,
                        "paths",
                        List.of("/" + id + "/**"),
                        "methods",
                        List.of("GET"),
                        "upstreamUrl",
                        upstream,
                        "latestVersion",
                        1))
                .exchange();
    }

    @Test
    void loopbackAndPrivateUpstreamsAreRefusedByDefaultNamingTheSetting() {
        for (String upstream : List.of(
                "http://127.0.0.1:8091/actuator",
                "http://localhost:8081/",
                "http://10.0.0.7/",
                "http://[::1]/",
                "http://192.168.1.20/")) {
            Map<String, Object> problem = save(unique("private"), upstream)
                    .expectStatus()
                    .isBadRequest()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertProblem(problem, 400, "upstreamUrl");
            assertThat(problem.toString()).contains("scopegate.catalog.allow-private-upstreams");
        }
        // A public address, or a name that does not resolve yet (DNS set up after the catalog), is fine.
        save(unique("public"), "https://93.184.215.14/").expectStatus().isCreated();
        save(unique("named"), "https://partner-api.invalid/").expectStatus().isCreated();
    }
}
