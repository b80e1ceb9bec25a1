package io.scopegate.admin.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import io.scopegate.store.credential.CredentialFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

class TokenLifecycleTest extends AdminApiTest {

    @Test
    void createReturnsTheTokenWithItsSecretAndLocation() {
        String account = newAccount();
        String api = newApi();
        Map<String, Object> created = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        "CRM sync",
                        "description",
                        "Nightly sync",
                        "primaryContact",
                        "dev@acme.example",
                        "developerEmails",
                        List.of("a@acme.example"),
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("get"))),
                        "allowedIps",
                        List.of("203.0.113.0/24", "2001:db8::/32"),
                        "rateLimit",
                        Map.of("requestsPerSecond", 5, "burst", 10)))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectHeader()
                .valueMatches("Location", "/v1/accounts/" + account + "/tokens/ST[0-9a-f]{32}")
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertThat(created)
                .containsEntry("accountSid", account)
                .containsEntry("name", "CRM sync")
                .containsEntry("state", "ENABLED")
                .containsEntry("apiVersion", created.get("latestApiVersion"))
                .containsEntry("primaryContact", "dev@acme.example")
                .containsEntry("scopes", List.of(Map.of("api", api, "methods", List.of("GET"))))
                .containsEntry("allowedIps", List.of("203.0.113.0/24", "2001:db8::/32"))
                .containsEntry("rateLimit", Map.of("requestsPerSecond", 5, "burst", 10))
                .containsKeys(
                        "latestApiVersion",
                        "createdAt",
                        "updatedAt",
                        "credentialsRotatedAt",
                        "lastUsedAt",
                        "expiresAt");
        String secret = (String) created.get("authToken");
        assertThat(CredentialFormat.isWellFormed(secret)).isTrue();
        assertThat(storeAccepts((String) created.get("sid"), secret)).isTrue();

        Map<String, Object> read = operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, created.get("sid"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertThat(read).doesNotContainKey("authToken");
        Map<String, Object> withoutSecret = new HashMap<>(created);
        withoutSecret.remove("authToken");
        assertThat(read).isEqualTo(withoutSecret);
    }

    @Test
    void listFiltersByNameCreationWindowAndState() {
        String account = newAccount();
        String api = newApi();
        String old =
                (String) createToken(account, "Legacy Reporting", api, "GET").get("sid");
        clock.advance(Duration.ofDays(31));
        String recent =
                (String) createToken(account, "reporting v2", api, "GET").get("sid");
        clock.advance(Duration.ofDays(10));
        String fresh = (String) createToken(account, "Billing", api, "GET").get("sid");
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, fresh)
                .exchange()
                .expectStatus()
                .isOk();

        assertThat(listSids(account, "")).containsExactly(fresh, recent, old);
        assertThat(listSids(account, "?name=REPORTING")).containsExactly(recent, old);
        assertThat(listSids(account, "?createdOn=LAST_7_DAYS")).containsExactly(fresh);
        assertThat(listSids(account, "?createdOn=LAST_30_DAYS")).containsExactly(fresh, recent);
        assertThat(listSids(account, "?createdOn=MORE_THAN_30_DAYS")).containsExactly(old);
        assertThat(listSids(account, "?state=DISABLED")).containsExactly(fresh);
        assertThat(listSids(account, "?state=ENABLED&name=v2")).containsExactly(recent);
        // Enumerated values in any letter case, as a console's lower-case select values send them.
        assertThat(listSids(account, "?state=disabled")).containsExactly(fresh);
        assertThat(listSids(account, "?createdOn=more_than_30_days")).containsExactly(old);
        assertThat(listSids(account, "?name=%25")).isEmpty();
    }

    @Test
    void patchChangesOnlyThePresentFieldsAndNullClears() {
        String account = newAccount();
        String api = newApi();
        String other = newApi();
        Map<String, Object> token = createToken(
                operator(),
                account,
                Map.of(
                        "name",
                        "Original",
                        "description",
                        "keep me?",
                        "primaryContact",
                        "owner@acme.example",
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET")))));
        String sid = (String) token.get("sid");
        clock.advance(Duration.ofMinutes(5));

        Map<String, Object> patch = new HashMap<>();
        patch.put("name", "Renamed");
        patch.put("description", null);
        patch.put("scopes", List.of(Map.of("api", other, "methods", List.of("POST", "GET"))));
        patch.put("expiresAt", clock.instant().plus(Duration.ofDays(30)).toString());
        Map<String, Object> updated = operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(patch)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertThat(updated)
                .containsEntry("name", "Renamed")
                .containsEntry("description", null)
                .containsEntry("primaryContact", "owner@acme.example")
                .containsEntry("scopes", List.of(Map.of("api", other, "methods", List.of("GET", "POST"))))
                .containsEntry(
                        "expiresAt", clock.instant().plus(Duration.ofDays(30)).toString())
                .containsEntry("createdAt", token.get("createdAt"))
                .containsEntry("updatedAt", clock.instant().toString());

        Map<String, Object> cleared = operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("scopes", List.of()))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertThat(cleared).containsEntry("scopes", List.of()).containsEntry("name", "Renamed");
    }

    @Test
    void duplicateCopiesScopesAndSettingsButNeverTheSecret() {
        String account = newAccount();
        String api = newApi();
        Map<String, Object> source = createToken(
                operator(),
                account,
                Map.of(
                        "name",
                        "Source",
                        "description",
                        "d",
                        "primaryContact",
                        "owner@acme.example",
                        "developerEmails",
                        List.of("dev@acme.example"),
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET", "POST"))),
                        "allowedIps",
                        List.of("198.51.100.7"),
                        "rateLimit",
                        Map.of("requestsPerSecond", 3, "burst", 6)));

        Map<String, Object> copy = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/duplicate", account, source.get("sid"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        Map<String, Object> named = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/duplicate", account, source.get("sid"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "Staging copy"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertThat(copy.get("sid")).isNotEqualTo(source.get("sid"));
        assertThat(copy.get("authToken")).isNotEqualTo(source.get("authToken"));
        assertThat(copy).containsEntry("name", "Copy of Source");
        assertThat(named).containsEntry("name", "Staging copy");
        for (String field : List.of(
                "description",
                "primaryContact",
                "developerEmails",
                "scopes",
                "allowedIps",
                "rateLimit",
                "apiVersion")) {
            assertThat(copy.get(field)).as(field).isEqualTo(source.get(field));
        }
        assertThat(storeAccepts((String) copy.get("sid"), (String) source.get("authToken")))
                .isFalse();
        assertThat(storeAccepts((String) copy.get("sid"), (String) copy.get("authToken")))
                .isTrue();
    }

    @Test
    void resetKeepsTheSidAndTheOldSecretStopsAtOnce() {
        String account = newAccount();
        Map<String, Object> token = createToken(account, "Rotating", newApi(), "GET");
        String sid = (String) token.get("sid");
        String oldSecret = (String) token.get("authToken");
        clock.advance(Duration.ofHours(1));

        Map<String, Object> reset = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertThat(reset)
                .containsEntry("sid", sid)
                .containsEntry("credentialsRotatedAt", clock.instant().toString());
        String newSecret = (String) reset.get("authToken");
        assertThat(newSecret).isNotEqualTo(oldSecret);
        assertThat(storeAccepts(sid, newSecret)).isTrue();
        assertThat(storeAccepts(sid, oldSecret)).isFalse();
    }

    @Test
    void resetWithGraceKeepsTheOldSecretUntilTheGraceEnds() {
        String account = newAccount();
        Map<String, Object> token = createToken(account, "Graceful", newApi(), "GET");
        String sid = (String) token.get("sid");
        String oldSecret = (String) token.get("authToken");

        String newSecret = (String) operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("graceSeconds", 3600))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("authToken")
                .toString();

        assertThat(storeAccepts(sid, oldSecret)).isTrue();
        assertThat(storeAccepts(sid, newSecret)).isTrue();
        clock.advance(Duration.ofSeconds(3600));
        assertThat(storeAccepts(sid, oldSecret)).isFalse();
        assertThat(storeAccepts(sid, newSecret)).isTrue();
    }

    @Test
    void upgradeVersionMovesTheTokenToTheLatestVersion() {
        String account = newAccount();
        String api = newApi();
        Map<String, Object> token = createToken(account, "Versioned", api, "GET");
        int latest = ((Number) token.get("latestApiVersion")).intValue();
        Map<String, Object> older = createToken(
                operator(),
                account,
                Map.of(
                        "name",
                        "Old",
                        "apiVersion",
                        1,
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET")))));
        putApi(unique("api-next-"), latest + 1, "GET");

        Map<String, Object> upgraded = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/upgrade-version", account, older.get("sid"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertThat(upgraded).containsEntry("apiVersion", latest + 1).containsEntry("latestApiVersion", latest + 1);
    }

    @Test
    void upgradeVersionToANamedVersionGoesUpOnlyAndNotPastTheLatest() {
        String account = newAccount();
        String api = newApi();
        int latest = ((Number) createToken(account, "Probe", api, "GET").get("latestApiVersion")).intValue();
        putApi(unique("api-next-"), latest + 2, "GET");
        String sid = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "On 1",
                                "apiVersion",
                                1,
                                "scopes",
                                List.of(Map.of("api", api, "methods", List.of("GET")))))
                .get("sid");

        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/upgrade-version", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("version", latest + 1))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.apiVersion")
                .isEqualTo(latest + 1)
                .jsonPath("$.latestApiVersion")
                .isEqualTo(latest + 2);
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/upgrade-version", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("version", 1))
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.title")
                .isEqualTo("Downgrade refused");
        for (Object beyond : new Object[] {latest + 3, 0, latest + 0.5}) {
            operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens/{s}/upgrade-version", account, sid)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(Map.of("version", beyond))
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody()
                    .jsonPath("$.errors[0].field")
                    .isEqualTo("version");
        }
        assertThat(count("select count(*) from tokens where api_version = " + (latest + 1) + " and sid = $1", sid))
                .isEqualTo(1);
    }

    @Test
    void enablingATokenThatWasOffForLongRecommendsAResetAndEnableWithResetDoesBoth() {
        String account = newAccount();
        Map<String, Object> token = createToken(account, "Dormant", newApi(), "GET");
        String sid = (String) token.get("sid");
        String firstSecret = (String) token.get("authToken");

        tokenAction(account, sid, "disable");
        clock.advance(Duration.ofDays(2));
        // Off for a short while: nothing to recommend.
        tokenAction(account, sid, "enable").jsonPath("$.recommendation").doesNotExist();

        tokenAction(account, sid, "disable");
        clock.advance(Duration.ofDays(31));
        tokenAction(account, sid, "enable")
                .jsonPath("$.state")
                .isEqualTo("ENABLED")
                .jsonPath("$.recommendation.kind")
                .isEqualTo("RESET")
                .jsonPath("$.authToken")
                .doesNotExist();
        // Enabling an enabled token changes nothing and advises nothing.
        tokenAction(account, sid, "enable").jsonPath("$.recommendation").doesNotExist();

        tokenAction(account, sid, "disable");
        clock.advance(Duration.ofDays(40));
        Map<String, Object> revived = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/enable", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("reset", true))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertThat(revived).containsEntry("state", "ENABLED").doesNotContainKey("recommendation");
        String newSecret = (String) revived.get("authToken");
        assertThat(newSecret).isNotBlank().isNotEqualTo(firstSecret);
        assertThat(storeAccepts(sid, newSecret)).isTrue();
        assertThat(storeAccepts(sid, firstSecret)).isFalse();
        assertThat(count(
                        "select count(*) from audit_events where token_sid = $1 and action in ('TOKEN_ENABLED', 'TOKEN_RESET')"
                                + " and at = (select max(at) from audit_events where token_sid = $1)",
                        sid))
                .isEqualTo(2);
    }

    private WebTestClient.BodyContentSpec tokenAction(String account, String sid, String action) {
        return operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/" + action, account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody();
    }

    @Test
    void disableEnableAndDeleteChangeStateAndDeleteIsPermanent() {
        String account = newAccount();
        String sid = (String) createToken(account, "Stateful", newApi(), "GET").get("sid");

        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.state")
                .isEqualTo("DISABLED");
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/enable", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.state")
                .isEqualTo("ENABLED");
        operator()
                .delete()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isNoContent();

        operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isNotFound();
        operator()
                .delete()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isNotFound();
        assertThat(count("select count(*) from token_scopes where token_sid = $1", sid))
                .isZero();
    }

    @Test
    void credentialsShowTheSecretAgainAndTheReadIsAudited() {
        String account = newAccount();
        String user = newUser(account, "IMPLEMENTATION_SPECIALIST");
        Map<String, Object> token =
                createToken(as(user, USER_PASSWORD), account, Map.of("name", "Copyable", "scopes", List.of()));

        as(user, USER_PASSWORD)
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}/credentials", account, token.get("sid"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .json("{\"sid\":\"" + token.get("sid") + "\",\"authToken\":\"" + token.get("authToken") + "\"}");

        Map<String, Object> audit = as(user, USER_PASSWORD)
                .get()
                .uri("/v1/accounts/{a}/audit-events?sid={s}&limit=1", account, token.get("sid"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) audit.get("items");
        assertThat(items)
                .singleElement()
                .satisfies(event -> assertThat(event)
                        .containsEntry("action", "CREDENTIALS_READ")
                        .containsEntry("actor", user)
                        .containsEntry("tokenSid", token.get("sid"))
                        .containsEntry("sourceIp", "127.0.0.1"));
    }

    @Test
    void everyChangeIsAuditedAndPublishedAsAGatewayEvent() {
        String account = newAccount();
        String sid = (String) createToken(account, "Audited", newApi(), "GET").get("sid");
        operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("description", "x"))
                .exchange()
                .expectStatus()
                .isOk();
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                .exchange()
                .expectStatus()
                .isOk();
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/upgrade-version", account, sid)
                .exchange()
                .expectStatus()
                .isOk();
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                .exchange()
                .expectStatus()
                .isOk();
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/enable", account, sid)
                .exchange()
                .expectStatus()
                .isOk();
        operator()
                .delete()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isNoContent();

        Map<String, Object> audit = operator()
                .get()
                .uri("/v1/accounts/{a}/audit-events?sid={s}", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> items = (List<Map<String, Object>>) audit.get("items");
        assertThat(items)
                .extracting(e -> e.get("action"))
                .containsExactly(
                        "TOKEN_DELETED",
                        "TOKEN_ENABLED",
                        "TOKEN_DISABLED",
                        "TOKEN_RESET",
                        "TOKEN_UPDATED",
                        "TOKEN_CREATED");
        assertThat(items.get(0)).containsEntry("actor", "admin").containsKey("at");
        // upgrade-version was a no-op (already latest): no audit row and no event for it.
        assertThat(count("select count(*) from token_events where token_sid = $1", sid))
                .isEqualTo(6);
        assertThat(Instant.parse((String) items.get(0).get("at"))).isEqualTo(clock.instant());
    }
}
