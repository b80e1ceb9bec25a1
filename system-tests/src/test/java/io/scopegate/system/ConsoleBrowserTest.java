package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.http.MediaType;

/**
 * The console in headless Chromium against the running system: what an account admin does with a
 * token from creation to deletion, checked at the gateways.
 */
class ConsoleBrowserTest extends SystemTest {

    private static final String PASSWORD = "console-user-password";

    private Browser browser;
    private String account;
    private String api;
    private String adminUser;

    @BeforeEach
    void anAccountWithAnAdmin() {
        account = newAccount();
        api = newApi("GET", "POST");
        adminUser = unique("alice");
        admin().put()
                .uri("/v1/users/{u}", adminUser)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "password",
                        PASSWORD,
                        "role",
                        "ACCOUNT_ADMIN",
                        "account",
                        account,
                        "email",
                        adminUser + "@example.com"))
                .exchange()
                .expectStatus()
                .isCreated();
        browser = Browser.open(system.adminPort());
    }

    @AfterEach
    void closeTheBrowser() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void anAccountAdminCreatesUsesDisablesAndDeletesATokenWithoutCurl() {
        browser.signIn(adminUser, PASSWORD);
        assertThat(browser.path()).isEqualTo("/console/accounts/" + account + "/tokens");
        assertThat(browser.text()).contains("0 of 20 active", "No tokens yet");

        browser.follow(By.linkText("Create access token"));
        browser.type("name", "CRM sync");
        browser.type("primaryContact", "dev@example.com");
        browser.find(By.cssSelector("input[name=scope][value='" + api + ":GET']"))
                .click();
        browser.screenshot("create-token");
        browser.follow(By.id("create"));

        assertThat(browser.text()).contains("Token created");
        String sid = browser.find(By.id("sid")).getDomAttribute("value");
        String secret = browser.find(By.id("authToken")).getDomAttribute("value");
        assertThat(sid).startsWith("ST");
        assertThat(secret).startsWith("sgt_");
        browser.screenshot("token-created");

        String auth = basic(sid, secret);
        assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(200);
        assertThat(status(gatewayB, "POST", "/" + api + "/x", auth))
                .as("POST was not picked")
                .isEqualTo(403);

        browser.follow(By.linkText("Go to the token"));
        browser.screenshot("token-overview");
        browser.follow(By.linkText("Disable"));
        assertThat(browser.text()).contains("Disable “CRM sync”?");
        browser.follow(By.id("confirm"));
        assertThat(browser.text()).contains("Disabled");
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(403);
                    assertThat(status(gatewayB, "GET", "/" + api + "/x", auth)).isEqualTo(403);
                });

        browser.follow(By.linkText("Delete"));
        browser.follow(By.id("confirm"));
        assertThat(browser.path()).startsWith("/console/accounts/" + account + "/tokens");
        assertThat(browser.text()).contains("The token was deleted", "No tokens yet");
        assertThat(admin().get()
                        .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                        .exchange()
                        .returnResult(String.class)
                        .getStatus()
                        .value())
                .isEqualTo(404);
    }

    /** Issue 16: a quota and a client-certificate binding set in the form, kept as the API keeps them. */
    @Test
    void aQuotaAndACertificateBindingAreSetInTheTokenFormAndShownAgain() {
        browser.signIn(adminUser, PASSWORD);
        browser.follow(By.linkText("Create access token"));
        browser.type("name", "Partner feed");
        browser.type("quotaPerDay", "1000");
        browser.type("quotaPerMonth", "20000");
        browser.type("clientCertificateSubject", "cn=partner-a, o=Acme");
        browser.find(By.cssSelector("input[name=scope][value='" + api + ":GET']"))
                .click();
        browser.screenshot("create-token-quota");
        browser.follow(By.id("create"));
        String sid = browser.find(By.id("sid")).getDomAttribute("value");

        admin().get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.quota.perDay")
                .isEqualTo(1000)
                .jsonPath("$.quota.perMonth")
                .isEqualTo(20000)
                .jsonPath("$.clientCertificateSubject")
                .isEqualTo("CN=partner-a,O=Acme");
        browser.go("/console/accounts/" + account + "/tokens/" + sid);
        assertThat(value("quotaPerDay")).isEqualTo("1000");
        assertThat(value("clientCertificateSubject")).isEqualTo("CN=partner-a,O=Acme");

        // A day above the month is refused beside its box, and nothing changes.
        browser.type("quotaPerDay", "30000");
        browser.follow(By.xpath("//button[normalize-space()='Update']"));
        assertThat(browser.find(By.id("quotaPerDay-error")).getText()).contains("quota.perMonth");
        admin().get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectBody()
                .jsonPath("$.quota.perDay")
                .isEqualTo(1000);
    }

    @Test
    void signOutEndsTheSession() {
        browser.signIn(adminUser, PASSWORD);
        browser.follow(By.cssSelector("form[action='/console/sign-out'] button"));
        new WebDriverWait(browser.driver, Duration.ofSeconds(10))
                .until(d -> d.getCurrentUrl().contains("signedOut"));
        assertThat(browser.text()).contains("You are signed out");
        browser.go("/console/accounts/" + account + "/tokens");
        assertThat(browser.path()).isEqualTo("/console/sign-in");
    }

    /** The list shows this many token cards (polled: a page can still be arriving). */
    private void awaitCards(int expected) {
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> assertThat(browser.driver.findElements(By.cssSelector("li.token")))
                        .hasSize(expected));
    }

    private void click(String id) {
        browser.follow(By.id(id));
    }

    private String value(String id) {
        return browser.find(By.id(id)).getDomAttribute("value");
    }

    @Test
    void filtersPagesAndTheLimitAsTheTokenListShowsThem() {
        // A disabled token first: at the limit no other can be created.
        String extra = (String) createToken(account, api, "GET").get("sid");
        tokenAction(account, extra, "disable");
        for (int i = 1; i <= 20; i++) {
            createToken(
                    account,
                    Map.of(
                            "name",
                            (i <= 10 ? "billing " : "reports ") + i,
                            "scopes",
                            java.util.List.of(Map.of("api", api, "methods", java.util.List.of("GET")))));
        }
        browser.signIn(adminUser, PASSWORD);
        assertThat(browser.text()).contains("20 of 20 active", "Disable or delete one to create another");
        assertThat(browser.find(By.cssSelector("button[aria-describedby=limit-reason]"))
                        .isEnabled())
                .isFalse();
        assertThat(browser.driver.findElements(By.linkText("Create access token")))
                .isEmpty();
        browser.screenshot("tokens-at-limit");

        // 20 a page: the 21st token (the disabled one, the oldest) is on the second page.
        browser.go("/console/accounts/" + account + "/tokens");
        awaitCards(20);
        browser.follow(By.linkText("Next page"));
        awaitCards(1);
        assertThat(browser.text()).contains(extra);

        browser.go("/console/accounts/" + account + "/tokens");
        browser.type("filter-name", "BILL");
        new org.openqa.selenium.support.ui.Select(browser.find(By.id("filter-state"))).selectByValue("ENABLED");
        browser.follow(By.cssSelector("form.filters button[type=submit]"));
        awaitCards(10);
        assertThat(browser.find(By.id("filter-name")).getDomProperty("value")).isEqualTo("BILL");
        new org.openqa.selenium.support.ui.Select(browser.find(By.id("filter-state"))).selectByValue("DISABLED");
        browser.follow(By.cssSelector("form.filters button[type=submit]"));
        assertThat(browser.text()).contains("No token matches these filters");
        click("clear-filters");
        assertThat(browser.path()).isEqualTo("/console/accounts/" + account + "/tokens");
        awaitCards(20);
    }

    @Test
    void resetWithAGracePeriodKeepsTheOldSecretWorkingBesideTheNewOne() {
        Map<String, Object> token = createToken(account, api, "GET");
        String sid = (String) token.get("sid");
        String oldAuth = basic(sid, (String) token.get("authToken"));
        browser.signIn(adminUser, PASSWORD);
        browser.go("/console/accounts/" + account + "/tokens/" + sid + "/credentials");
        click("reveal");
        assertThat(value("authToken")).isEqualTo(token.get("authToken"));
        browser.follow(By.linkText("Reset auth token…"));
        new org.openqa.selenium.support.ui.Select(browser.find(By.id("graceSeconds"))).selectByValue("3600");
        click("confirm");
        assertThat(browser.text()).contains("Token reset", "Update every integration");
        String newAuth = basic(sid, value("authToken"));

        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    assertThat(status(gatewayA, "GET", "/" + api + "/x", newAuth))
                            .isEqualTo(200);
                    assertThat(status(gatewayB, "GET", "/" + api + "/x", newAuth))
                            .isEqualTo(200);
                });
        assertThat(status(gatewayA, "GET", "/" + api + "/x", oldAuth))
                .as("within the grace period")
                .isEqualTo(200);
    }

    @Test
    void legacyTokensAreEnabledShownAndResetInTheConsole() {
        browser.signIn(adminUser, PASSWORD);
        browser.go("/console/accounts/" + account + "/legacy-tokens");
        assertThat(browser.text()).contains("Legacy tokens are not enabled");
        click("enable-legacy");
        assertThat(browser.text()).contains("read-write one that may call every method");
        click("confirm");
        assertThat(browser.driver.findElements(By.id("enable-legacy")))
                .as("the button is gone once enabled")
                .isEmpty();
        String readOnly = value("read-only-auth-token");
        assertThat(value("read-only-sid")).isEqualTo(account);
        browser.screenshot("legacy-tokens");
        String oldAuth = basic(account, readOnly);
        assertThat(status(gatewayA, "GET", "/" + api + "/x", oldAuth)).isEqualTo(200);

        browser.go("/console/accounts/" + account + "/legacy-tokens/read-only/confirm/reset");
        click("confirm");
        String newAuth = basic(account, value("read-only-auth-token"));
        assertThat(newAuth).isNotEqualTo(oldAuth);
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    assertThat(status(gatewayA, "GET", "/" + api + "/x", oldAuth))
                            .isEqualTo(403);
                    assertThat(status(gatewayB, "GET", "/" + api + "/x", oldAuth))
                            .isEqualTo(403);
                    assertThat(status(gatewayB, "GET", "/" + api + "/x", newAuth))
                            .isEqualTo(200);
                });
    }

    @Test
    void unusedScopesAreRemovedInOneConfirmedStep() {
        Map<String, Object> token = createToken(account, api, "GET", "POST");
        String sid = (String) token.get("sid");
        String auth = basic(sid, (String) token.get("authToken"));
        assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(200);
        browser.signIn(adminUser, PASSWORD);
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            browser.go("/console/accounts/" + account + "/tokens/" + sid + "/usage");
            assertThat(browser.find(By.id("requests")).getText()).isEqualTo("1");
        });
        browser.screenshot("token-usage");
        click("remove-unused");
        assertThat(browser.text()).contains(api + ": POST");
        click("confirm");
        assertThat(browser.text()).contains("Scopes updated");
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> assertThat(status(gatewayA, "POST", "/" + api + "/x", auth))
                        .isEqualTo(403));
        assertThat(status(gatewayB, "GET", "/" + api + "/x", auth)).isEqualTo(200);
        browser.go("/console/accounts/" + account + "/findings");
        browser.screenshot("findings");
        browser.go("/console/accounts/" + account + "/audit");
        assertThat(browser.text()).contains("TOKEN UPDATED");
        browser.screenshot("audit-log");
    }

    @Test
    void anotherAccountsPagesAreRefusedAndAFormWithoutItsCsrfTokenChangesNothing() {
        String other = newAccount();
        String othersToken = (String) createToken(other, api, "GET").get("sid");
        browser.signIn(adminUser, PASSWORD);
        browser.go("/console/accounts/" + other + "/tokens/" + othersToken);
        assertThat(browser.text()).contains("Not allowed").doesNotContain(othersToken);
        browser.go("/console/platform/users");
        assertThat(browser.text()).contains("Not allowed");

        browser.go("/console/accounts/" + account + "/tokens/new");
        browser.type("name", "Forged");
        // Every copy of the token: Spring also adds one to each form it renders.
        browser.driver.executeScript("document.querySelectorAll('input[name=_csrf]').forEach(e => e.remove())");
        click("create");
        assertThat(browser.text()).doesNotContain("Token created");
        assertThat(admin().get()
                        .uri("/v1/accounts/{a}/tokens", account)
                        .exchange()
                        .expectBody(MAP)
                        .returnResult()
                        .getResponseBody()
                        .get("items"))
                .asList()
                .isEmpty();
    }
}
