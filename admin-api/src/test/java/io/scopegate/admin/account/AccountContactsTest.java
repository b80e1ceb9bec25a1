package io.scopegate.admin.account;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

/** An account's contacts, its users' emails, and who may change them. */
class AccountContactsTest extends AdminApiTest {

    private static final ParameterizedTypeReference<Map<String, List<Map<String, Object>>>> LIST_OF_ITEMS =
            new ParameterizedTypeReference<>() {};

    private WebTestClient.ResponseSpec patch(WebTestClient client, String account, Map<String, ?> body) {
        return client.patch()
                .uri("/v1/accounts/{a}", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange();
    }

    @Test
    void operatorsAndTheAccountsAdminsSetContactsAndTheAccountShowsThem() {
        String account = newAccount();
        String admin = newUser(account, "ACCOUNT_ADMIN");

        patch(
                        operator(),
                        account,
                        Map.of("technicalContact", "tech@acme.example", "ownerContact", "owner@acme.example"))
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.technicalContact")
                .isEqualTo("tech@acme.example")
                .jsonPath("$.ownerContact")
                .isEqualTo("owner@acme.example");
        Map<String, Object> clearOwner = new HashMap<>();
        clearOwner.put("ownerContact", null);
        patch(as(admin, USER_PASSWORD), account, clearOwner).expectStatus().isOk();

        as(admin, USER_PASSWORD)
                .get()
                .uri("/v1/accounts/{a}", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.technicalContact")
                .isEqualTo("tech@acme.example")
                .jsonPath("$.ownerContact")
                .doesNotExist()
                .jsonPath("$.activeTokens")
                .isEqualTo(0)
                .jsonPath("$.tokenLimit")
                .isEqualTo(20)
                .jsonPath("$.legacyTokensEnabled")
                .isEqualTo(false);
        assertThat(count(
                        "select count(*) from audit_events where action = 'ACCOUNT_UPDATED' and account_sid = $1",
                        account))
                .isEqualTo(2);
    }

    @Test
    void implementationSpecialistsAndOtherAccountsCannotChangeContacts() {
        String account = newAccount();
        String specialist = newUser(account, "IMPLEMENTATION_SPECIALIST");
        String otherAdmin = newUser(newAccount(), "ACCOUNT_ADMIN");

        patch(as(specialist, USER_PASSWORD), account, Map.of("technicalContact", "me@acme.example"))
                .expectStatus()
                .isForbidden();
        patch(as(otherAdmin, USER_PASSWORD), account, Map.of("technicalContact", "me@acme.example"))
                .expectStatus()
                .isForbidden();
        as(otherAdmin, USER_PASSWORD)
                .get()
                .uri("/v1/accounts/{a}/contacts", account)
                .exchange()
                .expectStatus()
                .isForbidden();
        assertThat(count("select count(*) from accounts where technical_contact is not null and sid = $1", account))
                .isZero();
    }

    @Test
    void badContactsAreRefusedNamingTheFieldAndChangeNothing() {
        String account = newAccount();
        patch(operator(), account, Map.of("technicalContact", "ok@acme.example"))
                .expectStatus()
                .isOk();

        for (Map<String, ?> bad : List.of(
                Map.of("technicalContact", "not-an-address"),
                Map.of("technicalContact", 42),
                Map.of("billingContact", "a@acme.example"))) {
            String field = bad.keySet().iterator().next();
            patch(operator(), account, bad)
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.errors[0].field")
                    .isEqualTo(field);
        }
        assertThat(count(
                        "select count(*) from accounts where technical_contact = 'ok@acme.example' and sid = $1",
                        account))
                .isEqualTo(1);
    }

    @Test
    void contactsListTheAccountsUsersThenItsContactsEachAddressOnce() {
        String account = newAccount();
        String admin = newUser(account, "ACCOUNT_ADMIN");
        String specialist = newUser(account, "IMPLEMENTATION_SPECIALIST");
        newUser(newAccount(), "ACCOUNT_ADMIN");
        patch(
                        operator(),
                        account,
                        Map.of(
                                "technicalContact",
                                (admin + "@EXAMPLE.com").toUpperCase(),
                                "ownerContact",
                                "owner@acme.example"))
                .expectStatus()
                .isOk();

        List<Map<String, Object>> items = as(specialist, USER_PASSWORD)
                .get()
                .uri("/v1/accounts/{a}/contacts", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(LIST_OF_ITEMS)
                .returnResult()
                .getResponseBody()
                .get("items");

        assertThat(items)
                .extracting(item -> item.get("email"), item -> item.get("kind"))
                .containsExactlyInAnyOrder(
                        Tuple.tuple(admin + "@example.com", "USER"),
                        Tuple.tuple(specialist + "@example.com", "USER"),
                        Tuple.tuple("owner@acme.example", "OWNER_CONTACT"));
    }

    @Test
    void accountUsersNeedAnEmailThatNoOtherUserHas() {
        String account = newAccount();
        String taken = newUser(account, "ACCOUNT_ADMIN") + "@example.com";

        operator()
                .put()
                .uri("/v1/users/{u}", unique("noemail"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("password", "long-enough-password", "role", "ACCOUNT_ADMIN", "account", account))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("email");
        operator()
                .put()
                .uri("/v1/users/{u}", unique("twin"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "password",
                        "long-enough-password",
                        "role",
                        "IMPLEMENTATION_SPECIALIST",
                        "account",
                        account,
                        "email",
                        taken.toUpperCase()))
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.title")
                .isEqualTo("Email in use");
    }
}
