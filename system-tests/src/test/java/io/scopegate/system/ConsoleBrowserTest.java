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

        browser.find(By.linkText("Create access token")).click();
        browser.type("name", "CRM sync");
        browser.type("primaryContact", "dev@example.com");
        browser.find(By.cssSelector("input[name=scope][value='" + api + ":GET']"))
                .click();
        browser.screenshot("create-token");
        browser.find(By.id("create")).click();

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

        browser.find(By.linkText("Go to the token")).click();
        browser.screenshot("token-overview");
        browser.find(By.linkText("Disable")).click();
        assertThat(browser.text()).contains("Disable “CRM sync”?");
        browser.find(By.id("confirm")).click();
        assertThat(browser.text()).contains("Disabled");
        await().atMost(Duration.ofSeconds(1))
                .pollInterval(Duration.ofMillis(20))
                .untilAsserted(() -> {
                    assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(403);
                    assertThat(status(gatewayB, "GET", "/" + api + "/x", auth)).isEqualTo(403);
                });

        browser.find(By.linkText("Delete")).click();
        browser.find(By.id("confirm")).click();
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

    @Test
    void signOutEndsTheSession() {
        browser.signIn(adminUser, PASSWORD);
        browser.find(By.cssSelector("form[action='/console/sign-out'] button")).click();
        new WebDriverWait(browser.driver, Duration.ofSeconds(10))
                .until(d -> d.getCurrentUrl().contains("signedOut"));
        assertThat(browser.text()).contains("You are signed out");
        browser.go("/console/accounts/" + account + "/tokens");
        assertThat(browser.path()).isEqualTo("/console/sign-in");
    }
}
