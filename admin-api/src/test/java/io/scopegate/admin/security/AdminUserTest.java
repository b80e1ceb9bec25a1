package io.scopegate.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

class AdminUserTest extends AdminApiTest {

    @Test
    void bootstrapOperatorExistsWithTheConfiguredPassword() {
        operator().get().uri("/v1/apis").exchange().expectStatus().isOk();
        String hash = db.sql("select password_hash from admin_users where username = 'admin'")
                .map((row, meta) -> row.get(0, String.class))
                .one()
                .block(java.time.Duration.ofSeconds(5));
        assertThat(hash).startsWith("{bcrypt}").doesNotContain(OPERATOR_PASSWORD);
    }

    @Test
    void putCreatesThenReplacesAUserAndTheNewPasswordWorks() {
        String account = newAccount();
        String username = unique("ops.");
        operator()
                .put()
                .uri("/v1/users/{u}", username)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "password",
                        "first-password-123",
                        "role",
                        "ACCOUNT_ADMIN",
                        "account",
                        account,
                        "email",
                        username + "@example.com"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueEquals("Location", "/v1/users/" + username)
                .expectBody()
                .json("{\"username\":\"" + username + "\",\"role\":\"ACCOUNT_ADMIN\",\"account\":\"" + account + "\"}")
                .jsonPath("$.password")
                .doesNotExist();
        operator()
                .put()
                .uri("/v1/users/{u}", username)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", "second-password-123", "role", "OPERATOR"))
                .exchange()
                .expectStatus()
                .isOk();

        as(username, "first-password-123")
                .get()
                .uri("/v1/apis")
                .exchange()
                .expectStatus()
                .isUnauthorized();
        as(username, "second-password-123")
                .post()
                .uri("/v1/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "made by a new operator"))
                .exchange()
                .expectStatus()
                .isCreated();
    }

    @Test
    void invalidUsersAreRejected() {
        String account = newAccount();
        operator()
                .put()
                .uri("/v1/users/{u}", unique("u"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", "short", "role", "ACCOUNT_ADMIN", "account", account))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("password");
        operator()
                .put()
                .uri("/v1/users/{u}", unique("u"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", "long-enough-password", "role", "ACCOUNT_ADMIN"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("account");
        operator()
                .put()
                .uri("/v1/users/{u}", unique("u"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "password",
                        "long-enough-password",
                        "role",
                        "ACCOUNT_ADMIN",
                        "account",
                        "ACnope",
                        "email",
                        "x@example.com"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("account");
        operator()
                .put()
                .uri("/v1/users/{u}", unique("u"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", "long-enough-password", "role", "SUPERUSER"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("role");
    }

    @Test
    void theLastOperatorCannotBeDemoted() {
        // Operators other tests made are one-off users; remove them so 'admin' is the last one.
        db.sql("delete from admin_users where role = 'OPERATOR' and username <> 'admin'")
                .then()
                .block(java.time.Duration.ofSeconds(5));
        String account = newAccount();

        operator()
                .put()
                .uri("/v1/users/admin")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "password",
                        OPERATOR_PASSWORD,
                        "role",
                        "ACCOUNT_ADMIN",
                        "account",
                        account,
                        "email",
                        "ops@example.com"))
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.title")
                .isEqualTo("Last operator");
        assertThat(count("select count(*) from admin_users where role = 'OPERATOR' and username = $1", "admin"))
                .isEqualTo(1);
    }

    @Test
    void accountSidsCannotImitateTokenSids() {
        operator()
                .post()
                .uri("/v1/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sid", "ST0123456789abcdef0123456789abcdef", "name", "imposter"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("sid");
        String sid = unique("AGENCY");
        operator()
                .post()
                .uri("/v1/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sid", sid, "name", "chosen"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueEquals("Location", "/v1/accounts/" + sid);
        operator()
                .post()
                .uri("/v1/accounts")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("sid", sid, "name", "again"))
                .exchange()
                .expectStatus()
                .isEqualTo(409);
    }
}
