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

    private int save(String id, String upstream) {
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
                .exchange()
                .returnResult(Void.class)
                .getStatus()
                .value();
    }

    @Test
    void loopbackAndPrivateUpstreamsAreRefusedByDefaultNamingTheSetting() {
        for (String upstream : List.of(
                "http://127.0.0.1:8091/actuator",
                "http://localhost:8081/",
                "http://10.0.0.7/",
                "http://[::1]/",
                "http://192.168.1.20/")) {
            String id = unique("private");
            Map<String, Object> problem = operator()
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
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertProblem(problem, 400, "upstreamUrl");
            assertThat(problem.toString()).contains("scopegate.catalog.allow-private-upstreams");
        }
        // A public address, or a name that does not resolve yet (DNS set up after the catalog), is fine.
        assertThat(save(unique("public"), "https://93.184.215.14/")).isEqualTo(201);
        assertThat(save(unique("named"), "https://partner-api.invalid/")).isEqualTo(201);
    }
}
