package io.scopegate.admin.offboarding;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import io.scopegate.admin.console.ConsoleSession;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/** {@code POST …/tokens/disable-all}: an account's credentials revoked in one change, each audited. */
class DisableAllTest extends AdminApiTest {

    private static final Map<String, Object> ALL = Map.of("all", true);

    private static final String ACTION_COUNT =
            "select count(*) from audit_events where account_sid = $1 and action like '%DISABLED'";

    @Test
    void disablesEveryEnabledTokenOfTheAccountLegacyTokensTooAndNothingElse() {
        String account = newAccount();
        String api = newApi();
        String first = sid(createToken(account, "CRM sync", api, "GET"));
        String second = sid(createToken(account, "Billing export", api, "GET", "POST"));
        String alreadyOff = sid(createToken(account, "Old job", api, "GET"));
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, alreadyOff)
                .exchange()
                .expectStatus()
                .isOk();
        enableLegacy(account);
        String otherAccount = newAccount();
        String bystander = sid(createToken(otherAccount, "Not offboarded", api, "GET"));
        long eventsBefore = count("select count(*) from token_events where account_sid = $1", account);

        Map<String, Object> disabled = disableAll(operator(), account, ALL)
                .expectStatus()
                .isOk()
                .expectHeader()
                .valueMatches("Scopegate-Propagation", "(confirmed=\\d+/\\d+|unknown); ms=\\d+.*")
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertThat(disabled).containsEntry("accountSid", account);
        assertThat(disabled.get("tokens"))
                .isEqualTo(
                        List.of(
                                        Map.of("sid", first, "name", "CRM sync"),
                                        Map.of("sid", second, "name", "Billing export"))
                                .stream()
                                .sorted((a, b) -> a.get("sid").compareTo(b.get("sid")))
                                .toList());
        assertThat(disabled.get("legacyTokens")).isEqualTo(List.of("READ_WRITE", "READ_ONLY"));
        assertTokenState(account, first, "DISABLED");
        assertTokenState(account, second, "DISABLED");
        assertTokenState(otherAccount, bystander, "ENABLED");
        assertLegacyStates(account, "DISABLED");
        // One audit record and one gateway event per credential, as four single calls would write.
        assertThat(count(ACTION_COUNT, account)).isEqualTo(1 + 4);
        assertThat(count("select count(*) from token_events where account_sid = $1", account) - eventsBefore)
                .isEqualTo(4);
        operator()
                .get()
                .uri("/v1/accounts/{a}/audit-events?sid={s}", account, first)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.items[0].action")
                .isEqualTo("TOKEN_DISABLED")
                .jsonPath("$.items[0].details.via")
                .isEqualTo("disable-all");

        // Again: nothing is enabled any more, so nothing changes and nothing is recorded.
        Map<String, Object> again = disableAll(operator(), account, ALL)
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertThat(again.get("tokens")).isEqualTo(List.of());
        assertThat(again.get("legacyTokens")).isEqualTo(List.of());
        assertThat(count(ACTION_COUNT, account)).isEqualTo(1 + 4);
    }

    @Test
    void namedTokensOnlyAndTheLegacyTokensStay() {
        String account = newAccount();
        String api = newApi();
        String leaked = sid(createToken(account, "Leaked", api, "GET"));
        String kept = sid(createToken(account, "Kept", api, "GET"));
        enableLegacy(account);
        String user = newUser(account, "IMPLEMENTATION_SPECIALIST");

        Map<String, Object> disabled = disableAll(as(user, USER_PASSWORD), account, Map.of("sids", List.of(leaked)))
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertThat(disabled.get("tokens")).isEqualTo(List.of(Map.of("sid", leaked, "name", "Leaked")));
        assertThat(disabled.get("legacyTokens")).isEqualTo(List.of());
        assertTokenState(account, leaked, "DISABLED");
        assertTokenState(account, kept, "ENABLED");
        assertLegacyStates(account, "ENABLED");
    }

    @Test
    void aTokenOfAnotherAccountOrAnEmptyListIsRefusedAndNothingChanges() {
        String account = newAccount();
        String api = newApi();
        String mine = sid(createToken(account, "Mine", api, "GET"));
        String theirs = sid(createToken(newAccount(), "Theirs", api, "GET"));

        Map<String, Object> foreign = disableAll(operator(), account, Map.of("sids", List.of(mine, theirs)))
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(foreign, 400, "sids[1]");
        Map<String, Object> empty = disableAll(operator(), account, Map.of("sids", List.of()))
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(empty, 400, "sids");
        disableAll(operator(), account, Map.of("sids", List.of(mine), "reason", "offboarding"))
                .expectStatus()
                .isBadRequest();
        // "All" is never implied: an empty or undefined list of SIDs is a mistake, not an offboarding.
        java.util.Map<String, Object> nullSids = new java.util.HashMap<>();
        nullSids.put("sids", null);
        assertProblem(bodyOf(disableAll(operator(), account, nullSids)), 400, "all");
        assertProblem(bodyOf(disableAll(operator(), account, Map.of())), 400, "all");
        assertProblem(bodyOf(disableAll(operator(), account, null)), 400, "all");
        assertProblem(bodyOf(disableAll(operator(), account, Map.of("all", false))), 400, "all");
        assertProblem(bodyOf(disableAll(operator(), account, Map.of("all", true, "sids", List.of(mine)))), 400, "sids");

        assertTokenState(account, mine, "ENABLED");
        assertThat(count(ACTION_COUNT, account)).isZero();
    }

    @Test
    void anotherAccountsUserCannotOffboardThisOne() {
        String account = newAccount();
        String api = newApi();
        String sid = sid(createToken(account, "Mine", api, "GET"));
        String outsider = newUser(newAccount(), "ACCOUNT_ADMIN");

        disableAll(as(outsider, USER_PASSWORD), account, ALL).expectStatus().isForbidden();
        disableAll(operator(), "AC" + "0".repeat(32), ALL).expectStatus().isNotFound();

        assertTokenState(account, sid, "ENABLED");
    }

    @Test
    void anAccountAdminDisablesEveryTokenFromTheConsoleAfterAConfirmation() {
        String account = newAccount();
        String api = newApi();
        String first = sid(createToken(account, "CRM sync", api, "GET"));
        String second = sid(createToken(account, "Billing export", api, "GET"));
        ConsoleSession session = ConsoleSession.signIn(web, newUser(account, "ACCOUNT_ADMIN"), USER_PASSWORD);
        String tokens = "/console/accounts/" + account + "/tokens";

        assertThat(session.get(tokens).getResponseBody()).contains("id=\"disable-all\"");
        assertThat(session.get(tokens + "/confirm-disable-all").getResponseBody())
                .contains("Disable every token of", "Its 2 active token(s) stop working");
        assertTokenState(account, first, "ENABLED");

        EntityExchangeResult<String> posted = session.post(tokens + "/disable-all", ConsoleSession.form());
        assertThat(posted.getResponseHeaders().getLocation()).hasToString(tokens + "?disabledAll=2");
        assertThat(session.get(tokens + "?disabledAll=2").getResponseBody()).contains("id=\"disabled-all\"");
        assertTokenState(account, first, "DISABLED");
        assertTokenState(account, second, "DISABLED");
    }

    private WebTestClient.ResponseSpec disableAll(WebTestClient client, String account, Map<String, ?> body) {
        WebTestClient.RequestBodySpec request = client.post().uri("/v1/accounts/{a}/tokens/disable-all", account);
        return body == null
                ? request.exchange()
                : request.contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchange();
    }

    private void assertLegacyStates(String account, String state) {
        operator()
                .get()
                .uri("/v1/accounts/{a}/legacy-tokens", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.tokens[*].state")
                .isEqualTo(List.of(state, state));
    }

    private static Map<String, Object> bodyOf(WebTestClient.ResponseSpec response) {
        return response.expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    private static String sid(Map<String, Object> token) {
        return (String) token.get("sid");
    }
}
