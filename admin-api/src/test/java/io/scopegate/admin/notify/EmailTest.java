package io.scopegate.admin.notify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.GreenMailUtil;
import com.icegreen.greenmail.util.ServerSetupTest;
import io.scopegate.admin.AdminApiTest;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** Notifications by email through a real SMTP server (GreenMail): to the token's contacts, once, no secret. */
class EmailTest extends AdminApiTest {

    @RegisterExtension
    static final GreenMailExtension smtp = new GreenMailExtension(ServerSetupTest.SMTP);

    @DynamicPropertySource
    static void mail(DynamicPropertyRegistry properties) {
        properties.add("spring.mail.host", () -> "localhost");
        properties.add("spring.mail.port", () -> ServerSetupTest.SMTP.getPort());
        properties.add("spring.mail.properties.mail.smtp.timeout", () -> "5000");
        properties.add("spring.mail.properties.mail.smtp.connectiontimeout", () -> "5000");
    }

    private List<MimeMessage> to(String address) {
        return Arrays.stream(smtp.getReceivedMessages())
                .filter(message -> {
                    try {
                        return Arrays.stream(message.getAllRecipients())
                                .anyMatch(r -> r.toString().equals(address));
                    } catch (jakarta.mail.MessagingException e) {
                        return false;
                    }
                })
                .toList();
    }

    @Test
    void aDisabledTokenIsMailedOnceToItsContactsWithALinkAndNoSecret() throws Exception {
        String account = newAccount();
        Map<String, Object> token = createToken(
                operator(),
                account,
                Map.of(
                        "name",
                        "Mailed",
                        "primaryContact",
                        "alice@example.com",
                        "developerEmails",
                        List.of("bob@example.com"),
                        "scopes",
                        List.of(Map.of("api", newApi(), "methods", List.of("GET")))));
        String sid = (String) token.get("sid");
        // A notification from before mail worked (two days old) is not mailed when it starts to.
        db.sql("""
                insert into notification_outbox (account_sid, type, data, created_at)
                values (:account, 'token.stale', jsonb_build_object('tokenSid', cast(:sid as text), 'name', 'Mailed'), :at)
                """)
                .bind("account", account)
                .bind("sid", sid)
                .bind("at", clock.instant().minus(Duration.ofDays(2)))
                .then()
                .block(Duration.ofSeconds(5));
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                .exchange()
                .expectStatus()
                .isOk();

        await().atMost(Duration.ofSeconds(15))
                .until(() -> to("alice@example.com").stream()
                        .anyMatch(message -> subject(message).contains("A token was disabled")));
        MimeMessage disabled = to("alice@example.com").stream()
                .filter(message -> subject(message).contains("A token was disabled"))
                .findFirst()
                .orElseThrow();
        String body = GreenMailUtil.getBody(disabled);
        assertThat(body)
                .contains(sid, "/console/accounts/" + account + "/tokens/" + sid)
                .doesNotContain("sgt_");
        assertThat(Arrays.toString(disabled.getAllRecipients())).contains("bob@example.com");
        assertThat(body).doesNotContain((String) token.get("authToken"));

        Thread.sleep(2000); // more runs: nothing is mailed twice (GreenMail keeps a copy per recipient)
        assertThat(to("alice@example.com").stream()
                        .filter(m -> subject(m).contains("A token was disabled"))
                        .map(EmailTest::messageId)
                        .distinct())
                .hasSize(1);
        assertThat(to("alice@example.com").stream().filter(m -> subject(m).contains("has not been used")))
                .isEmpty();
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    @Test
    void anAccountOnTheDailyDigestGetsOneMessagePerRecipientAtTheDigestTime() throws Exception {
        String account = newAccount();
        String tech = "tech-" + account.toLowerCase() + "@example.com";
        String carol = "carol-" + account.toLowerCase() + "@example.com";
        Map<String, Object> view = operator()
                .patch()
                .uri("/v1/accounts/{a}", account)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("emailDelivery", "daily_digest", "technicalContact", tech))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertThat(view).containsEntry("emailDelivery", "DAILY_DIGEST");
        String api = newApi();
        String first = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "Digested",
                                "primaryContact",
                                carol,
                                "scopes",
                                List.of(Map.of("api", api, "methods", List.of("GET")))))
                .get("sid");
        String second = (String) createToken(account, "Not Carol's", api, "GET").get("sid");
        for (String action : List.of("disable", "enable")) {
            operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens/{s}/" + action, account, first)
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, second)
                .exchange()
                .expectStatus()
                .isOk();
        double sentBefore = registry.find("scopegate.notifications.sent").tag("channel", "email").counters().stream()
                .mapToDouble(io.micrometer.core.instrument.Counter::count)
                .sum();

        Thread.sleep(2000); // several runs of both mailers: nothing before the digest time
        assertThat(to(carol)).isEmpty();
        assertThat(to(tech)).isEmpty();

        clock.advance(Duration.ofDays(1).plusMinutes(2)); // a digest time (08:00 UTC) is crossed within any day
        await().atMost(Duration.ofSeconds(15)).until(() -> to(carol).size() == 1 && to(tech).size() == 1);
        String carols = GreenMailUtil.getBody(to(carol).get(0));
        assertThat(subject(to(carol).get(0))).contains("Daily digest", account);
        assertThat(carols)
                .contains("A token was disabled", "A token was enabled", "Digested")
                .doesNotContain("Not Carol")
                .doesNotContain("sgt_");
        assertThat(GreenMailUtil.getBody(to(tech).get(0)))
                .as("the technical contact's digest is account-wide")
                .contains("Digested", "Not Carol");
        Thread.sleep(1500); // more runs: one digest, not one a run
        assertThat(to(carol)).hasSize(1);
        assertThat(to(tech)).hasSize(1);
        assertThat(registry.find("scopegate.notifications.sent").tag("channel", "email").counters().stream()
                        .mapToDouble(io.micrometer.core.instrument.Counter::count)
                        .sum())
                .as("each notification counted per message it went out in")
                .isEqualTo(sentBefore + 3 + 5); // Carol's: created, disabled, enabled; the account's: and 2 more
    }

    private static String messageId(MimeMessage message) {
        try {
            return message.getMessageID();
        } catch (jakarta.mail.MessagingException e) {
            return "";
        }
    }

    private static String subject(MimeMessage message) {
        try {
            return message.getSubject();
        } catch (jakarta.mail.MessagingException e) {
            return "";
        }
    }
}
