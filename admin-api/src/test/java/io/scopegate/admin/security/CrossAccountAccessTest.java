package io.scopegate.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** Broken object-level authorisation: an admin of account A must not reach anything of account B. */
class CrossAccountAccessTest extends AdminApiTest {

    private String accountA;
    private String accountB;
    private String tokenOfB;
    private WebTestClient adminOfA;

    @BeforeEach
    void twoAccounts() {
        accountA = newAccount();
        accountB = newAccount();
        tokenOfB = (String) createToken(accountB, "B's token", newApi(), "GET").get("sid");
        // B's legacy tokens exist, so a refusal below cannot be a 404 in disguise.
        enableLegacy(accountB);
        adminOfA = as(newUser(accountA, "ACCOUNT_ADMIN"), USER_PASSWORD);
    }

    private record Call(HttpMethod method, String path) {}

    private List<Call> everyAccountEndpoint(String account, String sid) {
        String tokens = "/v1/accounts/" + account + "/tokens";
        String legacy = "/v1/accounts/" + account + "/legacy-tokens";
        return List.of(
                new Call(HttpMethod.GET, "/v1/accounts/" + account),
                new Call(HttpMethod.PATCH, "/v1/accounts/" + account),
                new Call(HttpMethod.GET, "/v1/accounts/" + account + "/contacts"),
                new Call(HttpMethod.GET, "/v1/accounts/" + account + "/token-report"),
                new Call(HttpMethod.GET, tokens + "/" + sid + "/usage"),
                new Call(HttpMethod.GET, tokens),
                new Call(HttpMethod.POST, tokens),
                new Call(HttpMethod.GET, tokens + "/" + sid),
                new Call(HttpMethod.PATCH, tokens + "/" + sid),
                new Call(HttpMethod.POST, tokens + "/" + sid + "/duplicate"),
                new Call(HttpMethod.POST, tokens + "/" + sid + "/reset"),
                new Call(HttpMethod.POST, tokens + "/" + sid + "/upgrade-version"),
                new Call(HttpMethod.POST, tokens + "/" + sid + "/disable"),
                new Call(HttpMethod.POST, tokens + "/" + sid + "/enable"),
                new Call(HttpMethod.DELETE, tokens + "/" + sid),
                new Call(HttpMethod.GET, tokens + "/" + sid + "/credentials"),
                new Call(HttpMethod.POST, legacy + "/enable"),
                new Call(HttpMethod.GET, legacy),
                new Call(HttpMethod.GET, legacy + "/read-write"),
                new Call(HttpMethod.POST, legacy + "/read-write/reset"),
                new Call(HttpMethod.POST, legacy + "/read-write/upgrade-version"),
                new Call(HttpMethod.POST, legacy + "/read-write/disable"),
                new Call(HttpMethod.POST, legacy + "/read-only/enable"),
                new Call(HttpMethod.DELETE, legacy + "/read-only"),
                new Call(HttpMethod.GET, legacy + "/read-write/credentials"),
                new Call(HttpMethod.GET, legacy + "/read-write/usage"),
                new Call(HttpMethod.GET, "/v1/accounts/" + account + "/audit-events"));
    }

    private int status(Call call, Map<String, ?> body) {
        WebTestClient.RequestBodySpec request = adminOfA.method(call.method()).uri(call.path());
        WebTestClient.RequestHeadersSpec<?> spec = call.method() == HttpMethod.GET || call.method() == HttpMethod.DELETE
                ? request
                : request.contentType(MediaType.APPLICATION_JSON).bodyValue(body);
        return spec.exchange().returnResult(String.class).getStatus().value();
    }

    @Test
    void everyEndpointOfAnotherAccountIsForbiddenAndChangesNothing() {
        String before = snapshot();
        for (Call call : everyAccountEndpoint(accountB, tokenOfB)) {
            // Refused before the body is read: even a body no endpoint accepts gets 403, not 400.
            assertThat(status(call, Map.of("name", "hijack", "noSuchField", true)))
                    .as(call.toString())
                    .isEqualTo(403);
        }
        assertThat(snapshot()).isEqualTo(before);
        assertThat(count("select count(*) from audit_events where account_sid = $1 and actor <> 'admin'", accountB))
                .isZero();
    }

    @Test
    void anotherAccountsTokenUnderYourOwnPathIsNotFoundAndChangesNothing() {
        String before = snapshot();
        for (Call call : everyAccountEndpoint(accountA, tokenOfB)) {
            if (call.path().contains(tokenOfB)) {
                assertThat(status(call, Map.of())).as(call.toString()).isEqualTo(404);
            }
        }
        assertThat(snapshot()).isEqualTo(before);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ACCOUNT_ADMIN", "IMPLEMENTATION_SPECIALIST"})
    void accountRolesCannotDoOperatorWork(String role) {
        WebTestClient user = as(newUser(accountA, role), USER_PASSWORD);
        user.post()
                .uri("/v1/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "x"))
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        user.put()
                .uri("/v1/users/{u}", unique("evil"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", "long-enough-password", "role", "OPERATOR"))
                .exchange()
                .expectStatus()
                .isForbidden();
        user.put()
                .uri("/v1/apis/{a}", unique("api-"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        "x",
                        "paths",
                        List.of("/x/**"),
                        "methods",
                        List.of("GET"),
                        "upstreamUrl",
                        "http://localhost:9",
                        "latestVersion",
                        1))
                .exchange()
                .expectStatus()
                .isForbidden();
        user.get().uri("/v1/apis").exchange().expectStatus().isOk();
    }

    @Test
    void unauthenticatedAndWrongPasswordGet401WithAChallenge() {
        web.get()
                .uri("/v1/apis")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .valueEquals("WWW-Authenticate", "Basic realm=\"scopegate-admin\"")
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON);
        as("admin", "wrong-password")
                .get()
                .uri("/v1/apis")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        as("nobody", OPERATOR_PASSWORD)
                .get()
                .uri("/v1/apis")
                .exchange()
                .expectStatus()
                .isUnauthorized();
    }

    @Test
    void pathsOutsideTheApiAreDenied() {
        operator().get().uri("/internal").exchange().expectStatus().isForbidden();
    }

    /** Everything of account B a hijack could have touched. */
    private String snapshot() {
        return db.sql("""
                select string_agg(concat_ws('|', sid, name, state, encode(secret_hash, 'hex'), api_version, updated_at), ',')
                       || (select count(*) from tokens where account_sid = :a)
                       || (select concat_ws('|', legacy_enabled, technical_contact, owner_contact)
                           from accounts where sid = :a)
                       || (select string_agg(concat_ws('|', kind, state, encode(secret_hash, 'hex'), api_version,
                                                       updated_at), ',')
                           from legacy_tokens where account_sid = :a)
                from tokens where account_sid = :a
                """)
                .bind("a", accountB)
                .map((row, meta) -> row.get(0, String.class))
                .one()
                .block(java.time.Duration.ofSeconds(10));
    }
}
