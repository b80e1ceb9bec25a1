package io.scopegate.admin.credential;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.context.TestPropertySource;

/** With {@code scopegate.credentials.retrievable=false} secrets are shown at create and reset only. */
@TestPropertySource(properties = "scopegate.credentials.retrievable=false")
class NonRetrievableCredentialsTest extends AdminApiTest {

    @Test
    void credentialsAreGoneAndNoCiphertextIsStored() {
        String account = newAccount();
        Map<String, Object> token = createToken(account, "Write-only", newApi(), "GET");
        assertThat(token.get("authToken")).isNotNull();

        operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}/credentials", account, token.get("sid"))
                .exchange()
                .expectStatus()
                .isEqualTo(410)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.authToken")
                .doesNotExist();
        enableLegacy(account);
        operator()
                .get()
                .uri("/v1/accounts/{a}/legacy-tokens/read-only/credentials", account)
                .exchange()
                .expectStatus()
                .isEqualTo(410)
                .expectBody()
                .jsonPath("$.authToken")
                .doesNotExist();
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, token.get("sid"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.authToken")
                .isNotEmpty();

        assertThat(count(
                        "select count(*) from tokens where account_sid = $1 and secret_ciphertext is not null",
                        account))
                .isZero();
        assertThat(count(
                        "select count(*) from audit_events where account_sid = $1 and action = 'CREDENTIALS_READ'",
                        account))
                .isZero();
    }
}
