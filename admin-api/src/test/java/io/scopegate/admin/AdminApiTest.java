package io.scopegate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.store.credential.KeyedHasher;
import io.scopegate.store.credential.StoredCredential;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.ExchangeFilterFunction;

/**
 * Base of the admin API's HTTP tests: the real application on a random port, on the embedded
 * PostgreSQL, with a clock the test moves. Each test makes its own accounts, so tests share one
 * context and one database without seeing each other's tokens.
 */
@SpringBootTest(
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = "spring.config.name=" + AdminApiApplication.CONFIG_NAME)
// A busy 2-core CI machine can take seconds for a first page: the default 5 s would flake.
@AutoConfigureWebTestClient(timeout = "30s")
@ActiveProfiles("test")
@Import({AdminApiTest.TestClock.class, AdminApiTest.DescribedResponses.class, AdminApiTest.CheapPasswordHashing.class})
public abstract class AdminApiTest {

    protected static final String OPERATOR_PASSWORD = "test-operator-password";
    protected static final String USER_PASSWORD = "account-user-password";

    @TestConfiguration
    static class TestClock {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock();
        }
    }

    /**
     * bcrypt at cost 4 rather than 10: every request verifies its admin's password and the tests make
     * hundreds, which was most of their CPU. Same algorithm and stored format as in production.
     */
    @TestConfiguration
    static class CheapPasswordHashing {
        @Bean
        @Primary
        PasswordEncoder cheapPasswordEncoder() {
            return new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(4)));
        }
    }

    /** Every response the tests' WebTestClient receives must be one docs/openapi.yaml describes. */
    @TestConfiguration
    static class DescribedResponses {
        @Bean
        WebTestClientBuilderCustomizer openApiConformance() {
            ExchangeFilterFunction conformance = OpenApiConformance.ofCommittedDescription();
            return builder -> builder.filter(conformance);
        }
    }

    @Autowired
    protected WebTestClient web;

    @Autowired
    protected MutableClock clock;

    @Autowired
    protected DatabaseClient db;

    @Autowired
    protected KeyedHasher hasher;

    protected WebTestClient as(String username, String password) {
        return web.mutate()
                .responseTimeout(Duration.ofSeconds(30))
                .defaultHeaders(headers -> headers.setBasicAuth(username, password))
                .build();
    }

    protected WebTestClient operator() {
        return as("admin", OPERATOR_PASSWORD);
    }

    protected static String unique(String prefix) {
        return prefix + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    /** A new account and its id. */
    protected String newAccount() {
        Map<?, ?> body = operator()
                .post()
                .uri("/v1/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Account " + unique("")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(Map.class)
                .returnResult()
                .getResponseBody();
        return (String) body.get("sid");
    }

    /** Creates an admin user of the given role on the account; returns the username. */
    protected String newUser(String account, String role) {
        String username = unique("user");
        operator()
                .put()
                .uri("/v1/users/{u}", username)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "password",
                        USER_PASSWORD,
                        "role",
                        role,
                        "account",
                        account,
                        "email",
                        username + "@example.com"))
                .exchange()
                .expectStatus()
                .isCreated();
        return username;
    }

    /** Registers (or replaces) an API serving the given methods under /{id}/**. */
    protected void putApi(String id, int latestVersion, String... methods) {
        operator()
                .put()
                .uri("/v1/apis/{id}", id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        id,
                        "paths",
                        List.of("/" + id + "/**"),
                        "methods",
                        List.of(methods),
                        "upstreamUrl",
                        "http://localhost:9/" + id,
                        "latestVersion",
                        latestVersion))
                .exchange()
                .expectStatus()
                .is2xxSuccessful();
    }

    /** An API unique to the calling test, serving GET and POST. */
    protected String newApi() {
        String id = unique("api-");
        putApi(id, 1, "GET", "POST");
        return id;
    }

    protected Map<String, Object> createToken(WebTestClient client, String account, Map<String, ?> body) {
        return client.post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    protected Map<String, Object> createToken(String account, String name, String api, String... methods) {
        return createToken(
                operator(),
                account,
                Map.of("name", name, "scopes", List.of(Map.of("api", api, "methods", List.of(methods)))));
    }

    /** The SIDs a token listing returns, in order; {@code query} starts with ? or is empty. */
    @SuppressWarnings("unchecked")
    /** Turns the account's legacy tokens on; the answer, with both tokens and their secrets. */
    protected Map<String, Object> enableLegacy(String account) {
        return operator()
                .post()
                .uri("/v1/accounts/{a}/legacy-tokens/enable", account)
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    protected List<String> listSids(String account, String query) {
        Map<String, Object> body = operator()
                .get()
                .uri("/v1/accounts/" + account + "/tokens" + query)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        return ((List<Map<String, Object>>) body.get("items"))
                .stream().map(t -> (String) t.get("sid")).toList();
    }

    /** Does the stored credential of this token accept this secret right now (as the gateway will ask)? */
    protected boolean storeAccepts(String sid, String secret) {
        return storedCredential("tokens", "sid = :sid", Map.of("sid", sid)).accepts(hasher, secret, clock.instant());
    }

    protected StoredCredential storedCredential(String table, String where, Map<String, ?> bindings) {
        return db.sql("select secret_hash, previous_secret_hash, previous_secret_valid_until from " + table + " where "
                        + where)
                .bindValues(bindings)
                .map((row, meta) -> new StoredCredential(
                        row.get(0, byte[].class), row.get(1, byte[].class), row.get(2, Instant.class)))
                .one()
                .block(Duration.ofSeconds(10));
    }

    /** The token's state as the API shows it to an operator. */
    protected void assertTokenState(String account, Object sid, String state) {
        operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.state")
                .isEqualTo(state);
    }

    protected long count(String sql, Object key) {
        return db.sql(sql)
                .bind(0, key)
                .map((row, meta) -> row.get(0, Long.class))
                .one()
                .block(Duration.ofSeconds(10));
    }

    @SuppressWarnings("unchecked")
    protected static void assertProblem(Map<String, Object> body, int status, String field) {
        assertThat(body).containsEntry("status", status);
        if (field != null) {
            assertThat((List<Map<String, Object>>) body.get("errors"))
                    .extracting(e -> e.get("field"))
                    .contains(field);
        }
    }

    protected static final org.springframework.core.ParameterizedTypeReference<Map<String, Object>> MAP =
            new org.springframework.core.ParameterizedTypeReference<>() {};
}
