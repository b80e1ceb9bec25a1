package io.scopegate.admin.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class CatalogTest extends AdminApiTest {

    private Map<String, Object> api(String id, List<String> paths, List<String> methods) {
        return Map.of(
                "name",
                "API " + id,
                "paths",
                paths,
                "methods",
                methods,
                "upstreamUrl",
                "https://upstream.example/" + id,
                "latestVersion",
                1);
    }

    @Test
    void putCreatesThenReplacesAndEveryAdminCanReadTheCatalog() {
        String id = unique("api-");
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(id, List.of("/" + id + "/**"), List.of("get")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueEquals("Location", "/v1/apis/" + id)
                .expectBody()
                .jsonPath("$.methods[0]")
                .isEqualTo("GET");
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(id, List.of("/" + id + "/**", "/v2/" + id + "/{id}"), List.of("GET", "POST")))
                .exchange()
                .expectStatus()
                .isOk();

        String account = newAccount();
        as(newUser(account, "IMPLEMENTATION_SPECIALIST"), USER_PASSWORD)
                .get()
                .uri("/v1/apis")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.items[?(@.id == '" + id + "')].paths[1]")
                .isEqualTo("/v2/" + id + "/{id}");
        assertThat(count("select count(*) from token_events where kind = 'API' and api_id = $1", id))
                .isEqualTo(2);
    }

    /** Issue 14: the gateways refuse WebSocket upgrades unless the API opts in. */
    @Test
    void webSocketsAreOffUnlessTheApiOptsInAndAReplaceWithoutTheFieldTurnsThemOff() {
        String id = unique("api-");
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(id, List.of("/" + id + "/**"), List.of("GET")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.websocket")
                .isEqualTo(false);

        Map<String, Object> optedIn = new java.util.HashMap<>(api(id, List.of("/" + id + "/**"), List.of("GET")));
        optedIn.put("websocket", true);
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(optedIn)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.websocket")
                .isEqualTo(true);
        operator()
                .get()
                .uri("/v1/apis")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.items[?(@.id == '" + id + "')].websocket")
                .isEqualTo(true);
        assertThat(count(
                        "select count(*) from audit_events where action = 'API_SAVED' and details->>'websocket' = 'true'"
                                + " and details::text like $1",
                        "%/" + id + "/**%"))
                .isEqualTo(1);

        // PUT replaces the whole definition: without the field the API is back to refusing upgrades.
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(id, List.of("/" + id + "/**"), List.of("GET")))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.websocket")
                .isEqualTo(false);
    }

    /** Issue 16: an API may require mutual TLS; account users see it, as their partners need a certificate. */
    @Test
    void mutualTlsIsOffUnlessTheApiRequiresItAndEveryChangeIsAuditedAndPublished() {
        String id = unique("api-");
        Map<String, Object> plain = api(id, List.of("/" + id + "/**"), List.of("GET"));
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(plain)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody()
                .jsonPath("$.mutualTls")
                .isEqualTo(false);

        Map<String, Object> required = new java.util.HashMap<>(plain);
        required.put("mutualTls", true);
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(required)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.mutualTls")
                .isEqualTo(true);
        String account = newAccount();
        as(newUser(account, "ACCOUNT_ADMIN"), USER_PASSWORD)
                .get()
                .uri("/v1/apis/{id}", id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.mutualTls")
                .isEqualTo(true);
        assertThat(count(
                        "select count(*) from audit_events where action = 'API_SAVED' and details->>'mutualTls' = 'true'"
                                + " and details::text like $1",
                        "%/" + id + "/**%"))
                .isEqualTo(1);

        // A PUT without the field replaces the definition: the API no longer requires client certificates.
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(plain)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.mutualTls")
                .isEqualTo(false);
        assertThat(count("select count(*) from token_events where kind = 'API' and api_id = $1", id))
                .as("each save is a catalog event the gateways reload routes on")
                .isEqualTo(3);

        Map<String, Object> notABoolean = new java.util.HashMap<>(plain);
        notABoolean.put("mutualTls", "sometimes");
        Map<String, Object> problem = operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(notABoolean)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(problem, 400, "mutualTls");
        assertThat(count("select count(*) from token_events where kind = 'API' and api_id = $1", id))
                .isEqualTo(3);
    }

    @Test
    void deleteIsRefusedWhileATokenHoldsAScopeOnTheApi() {
        String id = newApi();
        String account = newAccount();
        String sid = (String) createToken(account, "holder", id, "GET").get("sid");

        operator()
                .delete()
                .uri("/v1/apis/{id}", id)
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.title")
                .isEqualTo("API in use");
        operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("scopes", List.of()))
                .exchange()
                .expectStatus()
                .isOk();
        operator().delete().uri("/v1/apis/{id}", id).exchange().expectStatus().isNoContent();
        operator().get().uri("/v1/apis/{id}", id).exchange().expectStatus().isNotFound();
        operator().delete().uri("/v1/apis/{id}", id).exchange().expectStatus().isNotFound();
    }

    @Test
    void removingAMethodATokenStillHoldsIsRefused() {
        String id = newApi();
        createToken(newAccount(), "poster", id, "POST");
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(id, List.of("/" + id + "/**"), List.of("GET")))
                .exchange()
                .expectStatus()
                .isEqualTo(409);
        operator()
                .get()
                .uri("/v1/apis/{id}", id)
                .exchange()
                .expectBody()
                .jsonPath("$.methods.length()")
                .isEqualTo(2);
    }

    @Test
    void aPathPatternBelongsToOneApi() {
        String first = newApi();
        String second = unique("api-");
        operator()
                .put()
                .uri("/v1/apis/{id}", second)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(second, List.of("/" + first + "/**"), List.of("GET")))
                .exchange()
                .expectStatus()
                .isEqualTo(409);
    }

    @Test
    void invalidDefinitionsNameTheField() {
        String id = unique("api-");
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(id, List.of("no-slash"), List.of("GET")))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("paths[0]");
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(id, List.of("/a/{*rest}/b"), List.of("GET")))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("paths[0]");
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(id, List.of("/ok/**"), List.of("TRACE")))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("methods[0]");
        operator()
                .put()
                .uri("/v1/apis/{id}", "Bad_Id")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(api(id, List.of("/ok/**"), List.of("GET")))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("api");
        Map<String, Object> badUrl = new java.util.HashMap<>(api(id, List.of("/ok/**"), List.of("GET")));
        badUrl.put("upstreamUrl", "ftp://upstream.example");
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(badUrl)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("upstreamUrl");
        operator().get().uri("/v1/apis/{id}", id).exchange().expectStatus().isNotFound();
    }

    private Map<String, Object> refusedUpstream(String id, String upstream) {
        Map<String, Object> body = new java.util.HashMap<>(api(id, List.of("/" + id + "/**"), List.of("GET")));
        body.put("upstreamUrl", upstream);
        Map<String, Object> problem = operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(problem, 400, "upstreamUrl");
        operator().get().uri("/v1/apis/{id}", id).exchange().expectStatus().isNotFound();
        return problem;
    }

    @Test
    void upstreamsAtMetadataOrInObfuscatedFormsAreRefusedEvenWherePrivateOnesAreAllowed() {
        for (String upstream : List.of(
                "http://169.254.169.254/latest/meta-data",
                "http://[fe80::1]/",
                "http://100.100.100.200/",
                "http://0x7f000001:8091/actuator",
                "http://2130706433/",
                "http://0177.0.0.1/")) {
            refusedUpstream(unique("meta"), upstream);
        }
    }

    @Test
    void accountUsersSeeWhatAnApiIsButNotWhereItIs() {
        String id = unique("hidden");
        putApi(id, 1, "GET");
        String account = newAccount();
        String admin = newUser(account, "ACCOUNT_ADMIN");
        as(admin, USER_PASSWORD)
                .get()
                .uri("/v1/apis/{id}", id)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.name")
                .exists()
                .jsonPath("$.upstreamUrl")
                .doesNotExist();
        as(admin, USER_PASSWORD)
                .get()
                .uri("/v1/apis")
                .exchange()
                .expectBody()
                .jsonPath("$.items[0].upstreamUrl")
                .doesNotExist();
        operator()
                .get()
                .uri("/v1/apis/{id}", id)
                .exchange()
                .expectBody()
                .jsonPath("$.upstreamUrl")
                .exists();
    }
}
