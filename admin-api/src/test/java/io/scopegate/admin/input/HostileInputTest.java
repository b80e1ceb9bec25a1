package io.scopegate.admin.input;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Input that used to crash the admin API (500 with an ERROR trace): control characters in bodies,
 * query parameters and paths, and passwords bcrypt cannot take. Each is a 400 naming what is wrong,
 * in problem+json, and changes nothing.
 */
class HostileInputTest extends AdminApiTest {

    @Test
    void aNulOrControlCharacterInATokensTextIsRefusedNamingTheField() {
        String account = newAccount();
        String api = newApi();
        for (String field : List.of("name", "description")) {
            Map<String, Object> body = new java.util.HashMap<>(
                    Map.of("name", "Fine", "scopes", List.of(Map.of("api", api, "methods", List.of("GET")))));
            body.put(field, "bad\u0000value");
            Map<String, Object> problem = operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens", account)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectHeader()
                    .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertProblem(problem, 400, field);
            assertThat(problem.toString()).contains("control characters");
        }
        String sid = (String) createToken(account, "Editable", api, "GET").get("sid");
        operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("description", "line\u001bescape"))
                .exchange()
                .expectStatus()
                .isBadRequest();
        assertThat(count("select count(*) from tokens where account_sid = $1", account))
                .isEqualTo(1);
        // Tabs and new lines are text.
        operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("description", "two\nlines\tand a tab"))
                .exchange()
                .expectStatus()
                .isOk();
    }

    @Test
    void aNulInAQueryParameterOrPathIsRefusedNamingIt() {
        String account = newAccount();
        for (String[] query : new String[][] {{"name", "\u0000"}, {"sid", "ST\u0000"}, {"name", "a\u0001b"}}) {
            Map<String, Object> problem = operator()
                    .get()
                    .uri(uri -> uri.path("/v1/accounts/{a}/tokens")
                            .queryParam(query[0], "{v}")
                            .build(account, query[1]))
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertProblem(problem, 400, query[0]);
        }
        operator()
                .get()
                .uri("/v1/accounts/{a}/tokens", "AC\u0000x")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("path");
    }

    @Test
    void passwordsOverBcryptsSeventyTwoBytesAreRefusedNotCrashedOn() {
        for (String password : List.of("x".repeat(73), "é".repeat(40), "p".repeat(128))) {
            Map<String, Object> problem = operator()
                    .put()
                    .uri("/v1/users/{u}", unique("long"))
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("password", password, "role", "OPERATOR"))
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertProblem(problem, 400, "password");
        }
        operator()
                .put()
                .uri("/v1/users/{u}", unique("exact"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", "é".repeat(36), "role", "OPERATOR"))
                .exchange()
                .expectStatus()
                .isCreated();
    }

    @Test
    void malformedJsonIsProblemJsonToo() {
        operator()
                .post()
                .uri("/v1/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{not json")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }

    @Test
    void aNulInAConsoleFormOrQueryIsRefusedBeforeItReachesTheStore() {
        String account = newAccount();
        io.scopegate.admin.console.ConsoleSession console =
                io.scopegate.admin.console.ConsoleSession.signIn(web, "admin", OPERATOR_PASSWORD);
        assertThat(console.get("/console/accounts/" + account + "/tokens?name=a\u0000b")
                        .getStatus()
                        .value())
                .isEqualTo(400);
        assertThat(console.post(
                                "/console/platform/accounts",
                                io.scopegate.admin.console.ConsoleSession.form("name", "bad\u0000name"))
                        .getStatus()
                        .value())
                .isEqualTo(400);
    }
}
