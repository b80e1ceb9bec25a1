package io.scopegate.admin.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.MediaType;

/** Bad input gets a problem+json naming the field, and changes nothing. */
class TokenValidationTest extends AdminApiTest {

    private static String api;
    private String account;

    @BeforeEach
    void setUp() {
        account = newAccount();
        if (api == null) {
            api = newApi();
        }
    }

    static Stream<Arguments> badCreates() {
        return Stream.of(
                Arguments.of("bad primary contact", Map.of("primaryContact", "not-an-email"), "primaryContact"),
                Arguments.of(
                        "bad developer email",
                        Map.of("developerEmails", List.of("ok@acme.example", "nope@")),
                        "developerEmails[1]"),
                Arguments.of("name over 100 characters", Map.of("name", "n".repeat(101)), "name"),
                Arguments.of("blank name", Map.of("name", "   "), "name"),
                Arguments.of(
                        "unknown API",
                        Map.of("scopes", List.of(Map.of("api", "no-such-api", "methods", List.of("GET")))),
                        "scopes[0].api"),
                Arguments.of(
                        "method the API does not serve",
                        Map.of("scopes", List.of(Map.of("api", "<api>", "methods", List.of("DELETE")))),
                        "scopes[0].methods"),
                Arguments.of(
                        "scope without methods",
                        Map.of("scopes", List.of(Map.of("api", "<api>", "methods", List.of()))),
                        "scopes[0].methods"),
                Arguments.of(
                        "API listed twice",
                        Map.of(
                                "scopes",
                                List.of(
                                        Map.of("api", "<api>", "methods", List.of("GET")),
                                        Map.of("api", "<api>", "methods", List.of("POST")))),
                        "scopes[1].api"),
                Arguments.of("CIDR that is not one", Map.of("allowedIps", List.of("10.0.0.0/33")), "allowedIps[0]"),
                Arguments.of("host name as IP", Map.of("allowedIps", List.of("example.com")), "allowedIps[0]"),
                Arguments.of(
                        "rate limit without burst",
                        Map.of("rateLimit", Map.of("requestsPerSecond", 5)),
                        "rateLimit.burst"),
                Arguments.of("expiry in the past", Map.of("expiresAt", "2001-01-01T00:00:00Z"), "expiresAt"),
                Arguments.of("version above latest", Map.of("apiVersion", 10_001), "apiVersion"),
                Arguments.of("unknown field", Map.of("scopez", List.of()), "scopez"),
                Arguments.of("wrong type", Map.of("apiVersion", "two"), "apiVersion"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badCreates")
    void badCreateIsRejectedWithTheFieldAndCreatesNothing(
            String description, Map<String, Object> change, String field) {
        Map<String, Object> body = new HashMap<>(Map.of("name", "valid name"));
        change.forEach((key, value) -> body.put(
                key,
                value.toString().contains("<api>")
                        ? List.of(((List<Map<String, Object>>) value)
                                .stream()
                                        .map(s -> Map.of("api", api, "methods", s.get("methods")))
                                        .toArray())
                        : value));

        Map<String, Object> problem = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertProblem(problem, 400, field);
        assertThat(problem).containsKeys("type", "title", "detail");
        assertThat(count("select count(*) from tokens where account_sid = $1", account))
                .isZero();
    }

    @Test
    void malformedJsonIsABadRequest() {
        Map<String, Object> problem = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"name\": \"x\",")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(problem, 400, "body");
    }

    @Test
    void badPatchChangesNothing() {
        Map<String, Object> token = createToken(account, "Patched", api, "GET");
        String sid = (String) token.get("sid");

        patchExpecting400(sid, Map.of("name", "x", "primaryContact", "bad"), "primaryContact");
        patchExpecting400(sid, Map.of("apiVersion", 2), "apiVersion");
        patchExpecting400(sid, Map.of("state", "DISABLED"), "state");
        Map<String, Object> nullScopes = new HashMap<>();
        nullScopes.put("scopes", null);
        patchExpecting400(sid, nullScopes, "scopes");
        patchExpecting400(
                sid, Map.of("scopes", List.of(Map.of("api", api, "methods", List.of("PATCH")))), "scopes[0].methods");

        Map<String, Object> after = operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        token.remove("authToken");
        assertThat(after).isEqualTo(token);
    }

    @Test
    void resetGraceAboveSevenDaysIsRejected() {
        String sid = (String) createToken(account, "Grace", api, "GET").get("sid");
        Map<String, Object> problem = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("graceSeconds", 7 * 24 * 3600 + 1))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(problem, 400, "graceSeconds");
    }

    @Test
    void badListFiltersAreRejected() {
        operator()
                .get()
                .uri("/v1/accounts/{a}/tokens?createdOn=YESTERDAY", account)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("createdOn");
        operator()
                .get()
                .uri("/v1/accounts/{a}/tokens?state=ON", account)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("state");
    }

    private void patchExpecting400(String sid, Map<String, Object> body, String field) {
        Map<String, Object> problem = operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(problem, 400, field);
    }
}
