package io.scopegate.admin.console;

import static io.scopegate.admin.console.ConsoleSession.form;
import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.test.web.reactive.server.EntityExchangeResult;

/**
 * The console over HTTP as a browser without JavaScript sees it: sign-in and its cookie, CSRF,
 * access rules, and a token created through its form. The browser tests (system-tests) drive it
 * in Chromium.
 */
class ConsolePagesTest extends AdminApiTest {

    @Test
    void signInSetsAHardenedSessionCookieAndWrongPasswordsAreRefused() {
        EntityExchangeResult<String> page = web.get()
                .uri("/console/sign-in")
                .exchange()
                .expectBody(String.class)
                .returnResult();
        assertThat(page.getStatus()).isEqualTo(HttpStatus.OK);
        assertThat(page.getResponseBody()).contains("name=\"username\"", "name=\"password\"", "name=\"_csrf\"");

        ConsoleSession bad = ConsoleSession.signInExpectingFailure(web, "admin", "wrong-password");
        assertThat(bad).isNotNull();

        ConsoleSession session = ConsoleSession.signIn(web, "admin", OPERATOR_PASSWORD);
        assertThat(session.get("/console").getResponseBody()).contains("Accounts", "Create an account");
        ResponseCookie cookie = session.lastCookie();
        assertThat(cookie.isHttpOnly()).isTrue();
        assertThat(cookie.isSecure()).isTrue();
        assertThat(cookie.getSameSite()).isEqualTo("Strict");
        assertThat(cookie.getPath()).isEqualTo("/console");
    }

    @Test
    void unauthenticatedPagesRedirectToSignInAndTheRestApiStaysBasic() {
        EntityExchangeResult<String> page = web.get()
                .uri("/console/accounts/ACME/tokens")
                .exchange()
                .expectBody(String.class)
                .returnResult();
        assertThat(page.getStatus()).isEqualTo(HttpStatus.FOUND);
        assertThat(page.getResponseHeaders().getLocation()).hasToString("/console/sign-in");
        web.get()
                .uri("/v1/apis")
                .exchange()
                .expectStatus()
                .isUnauthorized()
                .expectHeader()
                .exists("WWW-Authenticate");
    }

    @Test
    void anAccountUserSeesOnlyTheirAccountEvenWithATamperedUrl() {
        String mine = newAccount();
        String theirs = newAccount();
        ConsoleSession session = ConsoleSession.signIn(web, newUser(mine, "ACCOUNT_ADMIN"), USER_PASSWORD);

        EntityExchangeResult<String> home = session.get("/console");
        assertThat(home.getStatus().is3xxRedirection()).isTrue();
        assertThat(home.getResponseHeaders().getLocation()).hasToString("/console/accounts/" + mine + "/tokens");
        assertThat(session.get("/console/accounts/" + mine + "/tokens").getStatus())
                .isEqualTo(HttpStatus.OK);

        assertThat(session.get("/console/accounts/" + theirs + "/tokens").getStatus())
                .isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(session.get("/console/accounts/" + theirs + "/tokens/new").getStatus())
                .isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(session.get("/console/platform/users").getStatus()).isEqualTo(HttpStatus.FORBIDDEN);
    }

    @Test
    void aChangeWithoutTheCsrfTokenIsRefusedAndChangesNothing() {
        String account = newAccount();
        String api = newApi();
        ConsoleSession session = ConsoleSession.signIn(web, newUser(account, "ACCOUNT_ADMIN"), USER_PASSWORD);
        session.get("/console/accounts/" + account + "/tokens/new");

        EntityExchangeResult<String> forged = session.postRaw(
                "/console/accounts/" + account + "/tokens", form("name", "forged", "scope", api + ":GET"));
        assertThat(forged.getStatus()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(count("select count(*) from tokens where account_sid = $1", account))
                .isZero();
    }

    @Test
    void aTokenCreatedInTheFormShowsItsSecretOnceAndARefusedFormKeepsWhatWasTyped() {
        String account = newAccount();
        String api = newApi();
        String specialist = newUser(account, "IMPLEMENTATION_SPECIALIST");
        ConsoleSession session = ConsoleSession.signIn(web, specialist, USER_PASSWORD);
        // The primary contact may be picked from the account's people.
        assertThat(session.get("/console/accounts/" + account + "/tokens/new").getResponseBody())
                .contains("<option value=\"" + specialist + "@example.com\"");

        EntityExchangeResult<String> refused = session.post(
                "/console/accounts/" + account + "/tokens",
                form("name", "Nightly export", "primaryContact", "not-an-email", "scope", api + ":GET"));
        assertThat(refused.getStatus()).isEqualTo(HttpStatus.OK);
        assertThat(refused.getResponseBody())
                .contains("id=\"primaryContact-error\"", "value=\"Nightly export\"", "value=\"not-an-email\"")
                .containsPattern("value=\"" + api + ":GET\"[^>]*checked");
        assertThat(count("select count(*) from tokens where account_sid = $1", account))
                .isZero();

        EntityExchangeResult<String> posted = session.post(
                "/console/accounts/" + account + "/tokens",
                form("name", "Nightly export", "primaryContact", "ops@example.com", "scope", api + ":GET"));
        String sid = db.sql("select sid from tokens where account_sid = :a")
                .bind("a", account)
                .map(row -> row.get("sid", String.class))
                .one()
                .block();
        // Post/redirect/get: the secret is on the page the POST redirects to, once.
        String issued = "/console/accounts/" + account + "/tokens/" + sid + "/issued";
        assertThat(posted.getResponseHeaders().getLocation()).hasToString(issued);
        EntityExchangeResult<String> created = session.get(issued);
        assertThat(created.getResponseBody()).contains("Token created", "id=\"authToken\"");
        assertThat(session.get(issued).getResponseBody()).contains("shown once").doesNotContain("id=\"authToken\"");
        assertThat(session.get("/console/accounts/" + account + "/tokens").getResponseBody())
                .contains("Nightly export", sid)
                .doesNotContain("sgt_");
        assertThat(storeAccepts(sid, secretIn(created.getResponseBody()))).isTrue();
        assertThat(count(
                        "select count(*) from audit_events where account_sid = $1 and action = 'TOKEN_CREATED'",
                        account))
                .isEqualTo(1);
    }

    /** Issue 16: the quota and the certificate binding in the token form, the quota's use on the Usage tab. */
    @Test
    void aTokensQuotaAndCertificateBindingAreSetInItsFormAndItsUsageTabShowsTheQuota() {
        String account = newAccount();
        String api = newApi();
        ConsoleSession session = ConsoleSession.signIn(web, newUser(account, "ACCOUNT_ADMIN"), USER_PASSWORD);
        assertThat(session.get("/console/accounts/" + account + "/tokens/new").getResponseBody())
                .contains("id=\"quotaPerDay\"", "id=\"quotaPerMonth\"", "id=\"clientCertificateSubject\"")
                .contains("Binds the token to one client certificate");

        EntityExchangeResult<String> refused = session.post(
                "/console/accounts/" + account + "/tokens",
                form(
                        "name",
                        "Partner feed",
                        "quotaPerDay",
                        "0",
                        "clientCertificateSubject",
                        "partner-a of Acme",
                        "scope",
                        api + ":GET"));
        assertThat(refused.getResponseBody())
                .contains("id=\"quotaPerDay-error\"", "id=\"clientCertificateSubject-error\"")
                .contains("value=\"0\"", "value=\"partner-a of Acme\"");
        // Text that is no number is refused as the API refuses it, beside its box.
        assertThat(session.post(
                                "/console/accounts/" + account + "/tokens",
                                form("name", "Partner feed", "quotaPerMonth", "lots", "scope", api + ":GET"))
                        .getResponseBody())
                .contains("id=\"quotaPerMonth-error\"", "value=\"lots\"");
        assertThat(count("select count(*) from tokens where account_sid = $1", account))
                .isZero();

        session.post(
                "/console/accounts/" + account + "/tokens",
                form(
                        "name",
                        "Partner feed",
                        "quotaPerDay",
                        "100",
                        "quotaPerMonth",
                        "",
                        "clientCertificateSubject",
                        "cn=partner-a, o=Acme",
                        "scope",
                        api + ":GET"));
        String sid = db.sql("select sid from tokens where account_sid = :a")
                .bind("a", account)
                .map(row -> row.get("sid", String.class))
                .one()
                .block();
        String token = "/console/accounts/" + account + "/tokens/" + sid;
        assertThat(session.get(token).getResponseBody())
                .containsPattern("id=\"quotaPerDay\"[^>]*value=\"100\"")
                .containsPattern("id=\"clientCertificateSubject\"[^>]*value=\"CN=partner-a,O=Acme\"");

        db.sql("""
                insert into token_usage_daily (token_sid, account_sid, day, api_id, method, outcome, requests, last_used_at)
                values (:sid, :account, cast(:at as timestamptz) at time zone 'UTC', :api, 'GET', 'allowed', 85, :at)
                """)
                .bind("sid", sid)
                .bind("account", account)
                .bind("api", api)
                .bind("at", clock.instant())
                .then()
                .block(java.time.Duration.ofSeconds(5));
        assertThat(session.get(token + "/usage").getResponseBody())
                .contains("id=\"quota-today\">85 of 100 requests<", "85 requests; no monthly quota");
        assertThat(session.get("/console/accounts/" + account + "/findings").getResponseBody())
                .contains("data-kind=\"QUOTA_NEAR_LIMIT\"", "85 of 100 requests of today");

        // Emptied boxes remove the quota and unbind the token.
        session.post(
                token,
                form("name", "Partner feed", "quotaPerDay", "", "quotaPerMonth", "", "clientCertificateSubject", ""));
        operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectBody()
                .jsonPath("$.quota")
                .isEmpty()
                .jsonPath("$.clientCertificateSubject")
                .isEmpty();
        assertThat(session.get(token + "/usage").getResponseBody()).doesNotContain("id=\"quota-today\"");
    }

    private static String secretIn(String page) {
        java.util.regex.Matcher secret = java.util.regex.Pattern.compile("id=\"authToken\" value=\"(sgt_[^\"]+)\"")
                .matcher(page);
        assertThat(secret.find()).as("the page shows the auth token").isTrue();
        return secret.group(1);
    }

    @Test
    void everyPageOfAnAccountRendersForItsAdmin() {
        String account = newAccount();
        String api = newApi();
        String sid =
                (String) createToken(account, "Rendered", api, "GET", "POST").get("sid");
        enableLegacy(account);
        ConsoleSession session = ConsoleSession.signIn(web, newUser(account, "ACCOUNT_ADMIN"), USER_PASSWORD);
        String base = "/console/accounts/" + account;
        for (String page : java.util.List.of(
                "/tokens",
                "/tokens?name=Rend&state=enabled&createdOn=LAST_7_DAYS",
                "/tokens/new",
                "/tokens/" + sid,
                "/tokens/" + sid + "/credentials",
                "/tokens/" + sid + "/scopes",
                "/tokens/" + sid + "/usage",
                "/tokens/" + sid + "/usage/remove-unused",
                "/tokens/" + sid + "/activity",
                "/tokens/" + sid + "/confirm/reset",
                "/tokens/" + sid + "/confirm/duplicate",
                "/tokens/" + sid + "/confirm/disable",
                "/tokens/" + sid + "/confirm/delete",
                "/legacy-tokens",
                "/legacy-tokens/read-write/confirm/reset",
                "/legacy-tokens/read-only/confirm/enable",
                "/findings",
                "/audit",
                "/audit?sid=" + sid,
                "/settings")) {
            EntityExchangeResult<String> result = session.get(base + page);
            assertThat(result.getStatus()).as(page).isEqualTo(HttpStatus.OK);
            assertThat(result.getResponseBody()).as(page).contains("</html>").doesNotContain("Something went wrong");
        }
        assertThat(session.get(base + "/bogus").getResponseBody()).contains("Not found");
        assertThat(session.get("/console/nonexistent").getStatus()).isEqualTo(HttpStatus.FORBIDDEN);
        // A notice shows only when the redirect asked for it.
        assertThat(session.get(base + "/tokens").getResponseBody()).doesNotContain("The token was deleted");
        assertThat(session.get(base + "/tokens?deleted=1").getResponseBody()).contains("The token was deleted");
        assertThat(session.get(base + "/tokens/" + sid + "/confirm/explode").getStatus())
                .isEqualTo(HttpStatus.NOT_FOUND);
        assertThat(session.get(base + "/tokens/STnope/usage").getStatus()).isEqualTo(HttpStatus.NOT_FOUND);
    }

    @Test
    void operatorsManageAccountsUsersAndTheCatalogInForms() {
        ConsoleSession session = ConsoleSession.signIn(web, "admin", OPERATOR_PASSWORD);
        String api = newApi();
        for (String page : java.util.List.of(
                "/console", "/console/platform/users", "/console/platform/apis", "/console/platform/apis/" + api)) {
            EntityExchangeResult<String> result = session.get(page);
            assertThat(result.getStatus()).as(page).isEqualTo(HttpStatus.OK);
            assertThat(result.getResponseBody()).as(page).doesNotContain("Something went wrong");
        }

        session.get("/console");
        String sid = "AC" + unique("").toUpperCase(java.util.Locale.ROOT);
        EntityExchangeResult<String> account =
                session.post("/console/platform/accounts", form("name", "Formed Ltd", "sid", sid));
        assertThat(account.getResponseHeaders().getLocation()).hasToString("/console/accounts/" + sid + "/tokens");

        session.get("/console/platform/users");
        String username = unique("carol");
        EntityExchangeResult<String> refused = session.post(
                "/console/platform/users",
                form(
                        "username",
                        username,
                        "role",
                        "ACCOUNT_ADMIN",
                        "account",
                        sid,
                        "email",
                        username + "@example.com",
                        "password",
                        "short"));
        assertThat(refused.getResponseBody())
                .contains("id=\"password-error\"", "value=\"" + username + "\"")
                .doesNotContain("value=\"short\"");
        EntityExchangeResult<String> saved = session.post(
                "/console/platform/users",
                form(
                        "username",
                        username,
                        "role",
                        "ACCOUNT_ADMIN",
                        "account",
                        sid,
                        "email",
                        username + "@example.com",
                        "password",
                        "a-long-enough-password"));
        assertThat(saved.getResponseHeaders().getLocation()).hasToString("/console/platform/users?created=1");
        assertThat(session.get("/console/platform/users?created=1").getResponseBody())
                .contains("User created.");
        // Saving it again without "replace" is refused: a user is never overwritten by accident.
        EntityExchangeResult<String> again = session.post(
                "/console/platform/users",
                form("username", username, "role", "OPERATOR", "password", "another-long-password"));
        assertThat(again.getResponseBody()).contains("id=\"username-error\"", "Replace the existing user");
        ConsoleSession.signIn(web, username, "a-long-enough-password");

        session.get("/console/platform/apis");
        String newApi = unique("api-console-");
        EntityExchangeResult<String> registered = session.post(
                "/console/platform/apis",
                form(
                        "id",
                        newApi,
                        "name",
                        "From the console",
                        "paths",
                        "/" + newApi + "/**",
                        "methods",
                        "GET",
                        "upstreamUrl",
                        "http://localhost:9/" + newApi,
                        "latestVersion",
                        "1"));
        assertThat(registered.getResponseBody()).contains("Registered " + newApi);
        EntityExchangeResult<String> twice = session.post(
                "/console/platform/apis",
                form(
                        "id",
                        newApi,
                        "name",
                        "Overwrite",
                        "paths",
                        "/other/**",
                        "methods",
                        "GET",
                        "upstreamUrl",
                        "http://localhost:9/other",
                        "latestVersion",
                        "1"));
        assertThat(twice.getResponseBody()).contains("id=\"api-error\"", "exists already");
        operator().get().uri("/v1/apis/{id}", newApi).exchange().expectStatus().isOk();
        EntityExchangeResult<String> badPath = session.post(
                "/console/platform/apis",
                form(
                        "id",
                        unique("api-bad-"),
                        "name",
                        "Bad",
                        "paths",
                        "no-slash",
                        "methods",
                        "GET",
                        "upstreamUrl",
                        "http://localhost:9/x",
                        "latestVersion",
                        "1"));
        assertThat(badPath.getResponseBody()).contains("id=\"paths-error\"", "no-slash");

        // The WebSocket opt-in is a checkbox: ticked it is stored, and the edit page shows it ticked.
        EntityExchangeResult<String> optedIn = session.post(
                "/console/platform/apis",
                form(
                        "editing",
                        "true",
                        "id",
                        newApi,
                        "name",
                        "From the console",
                        "paths",
                        "/" + newApi + "/**",
                        "methods",
                        "GET",
                        "upstreamUrl",
                        "http://localhost:9/" + newApi,
                        "latestVersion",
                        "1",
                        "websocket",
                        "true"));
        assertThat(optedIn.getResponseBody()).contains("Updated " + newApi);
        operator()
                .get()
                .uri("/v1/apis/{id}", newApi)
                .exchange()
                .expectBody()
                .jsonPath("$.websocket")
                .isEqualTo(true);
        assertThat(session.get("/console/platform/apis/" + newApi).getResponseBody())
                .containsPattern("<input type=\"checkbox\" id=\"api-websocket\" name=\"websocket\" value=\"true\""
                        + "\\s+checked");

        // So is "requires mutual TLS" (issue 16); the catalog table says which APIs require it.
        EntityExchangeResult<String> mutual = session.post(
                "/console/platform/apis",
                form(
                        "editing",
                        "true",
                        "id",
                        newApi,
                        "name",
                        "From the console",
                        "paths",
                        "/" + newApi + "/**",
                        "methods",
                        "GET",
                        "upstreamUrl",
                        "http://localhost:9/" + newApi,
                        "latestVersion",
                        "1",
                        "mutualTls",
                        "true"));
        assertThat(mutual.getResponseBody()).contains("Updated " + newApi);
        operator()
                .get()
                .uri("/v1/apis/{id}", newApi)
                .exchange()
                .expectBody()
                .jsonPath("$.mutualTls")
                .isEqualTo(true)
                .jsonPath("$.websocket")
                .isEqualTo(false);
        assertThat(session.get("/console/platform/apis/" + newApi).getResponseBody())
                .containsPattern("<input type=\"checkbox\" id=\"api-mutual-tls\" name=\"mutualTls\" value=\"true\""
                        + "\\s+checked")
                .contains("required");
    }

    @Test
    void aSessionEndsWhenAnOperatorChangesTheUsersRoleOrPassword() {
        String account = newAccount();
        String other = newAccount();
        String username = newUser(account, "ACCOUNT_ADMIN");
        ConsoleSession session = ConsoleSession.signIn(web, username, USER_PASSWORD);
        assertThat(session.get("/console/accounts/" + account + "/tokens").getStatus())
                .isEqualTo(HttpStatus.OK);

        operator()
                .put()
                .uri("/v1/users/{u}", username)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of(
                        "password",
                        "another-long-password",
                        "role",
                        "IMPLEMENTATION_SPECIALIST",
                        "account",
                        other,
                        "email",
                        username + "@example.com"))
                .exchange()
                .expectStatus()
                .isOk();

        EntityExchangeResult<String> after = session.get("/console/accounts/" + other + "/tokens");
        assertThat(after.getStatus().is3xxRedirection()).isTrue();
        assertThat(after.getResponseHeaders().getLocation()).hasToString("/console/sign-in?expired=1");
        assertThat(session.get("/console/accounts/" + account + "/tokens")
                        .getStatus()
                        .is3xxRedirection())
                .isTrue();
        assertThat(session.get("/console/sign-in?expired=1").getResponseBody()).contains("Sign in again");
    }

    @Test
    void theSignInPageCreatesNoServerSession() {
        EntityExchangeResult<String> page = web.get()
                .uri("/console/sign-in")
                .exchange()
                .expectBody(String.class)
                .returnResult();
        assertThat(page.getResponseCookies())
                .doesNotContainKey("SCOPEGATE_CONSOLE")
                .containsKey("SCOPEGATE_CSRF");
        ResponseCookie csrf = page.getResponseCookies().getFirst("SCOPEGATE_CSRF");
        assertThat(csrf.isHttpOnly()).isTrue();
        assertThat(csrf.isSecure()).isTrue();
        assertThat(csrf.getPath()).isEqualTo("/console");
    }

    @Test
    void aUserFormShowsEveryProblemAtOnce() {
        ConsoleSession session = ConsoleSession.signIn(web, "admin", OPERATOR_PASSWORD);
        session.get("/console/platform/users");
        EntityExchangeResult<String> refused = session.post(
                "/console/platform/users",
                form("username", unique("dave"), "role", "ACCOUNT_ADMIN", "password", "short"));
        assertThat(refused.getResponseBody())
                .contains("id=\"password-error\"", "id=\"account-error\"", "id=\"email-error\"");
    }

    @Test
    void refusalsComeBackOnTheFormAndNothingGrantsMoreThanItShows() {
        String account = newAccount();
        String api = newApi();
        String sid = (String) createToken(account, "Narrow", api, "GET").get("sid");
        ConsoleSession session = ConsoleSession.signIn(web, newUser(account, "ACCOUNT_ADMIN"), USER_PASSWORD);
        String token = "/console/accounts/" + account + "/tokens/" + sid;

        session.get(token + "/confirm/duplicate");
        String longName = "n".repeat(101);
        EntityExchangeResult<String> refused = session.post(token + "/duplicate", form("name", longName));
        assertThat(refused.getStatus()).isEqualTo(HttpStatus.OK);
        assertThat(refused.getResponseBody()).contains("id=\"name-error\"", "value=\"" + longName + "\"");

        // The per-API switch is not a grant: only ticked methods are.
        session.get(token + "/scopes");
        session.post(token + "/scopes", form("api", api, "scope", api + ":GET"));
        assertThat(count("select count(*) from token_scopes where token_sid = $1", sid))
                .isEqualTo(1);
        EntityExchangeResult<String> malformed = session.post(token + "/scopes", form("scope", ":GET"));
        assertThat(malformed.getResponseBody()).contains("id=\"scopes-error\"");
        assertThat(count("select count(*) from token_scopes where token_sid = $1", sid))
                .isEqualTo(1);

        session.get(token);
        EntityExchangeResult<String> huge = session.post(token, form("name", "x".repeat(300_000)));
        assertThat(huge.getStatus()).isEqualTo(HttpStatus.CONTENT_TOO_LARGE);
    }
}
