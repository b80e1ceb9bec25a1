package io.scopegate.admin.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.ConnectionFactory;
import io.scopegate.admin.AdminApiTest;
import io.scopegate.store.lifecycle.StoreLeader;
import jakarta.mail.Address;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.support.StaticListableBeanFactory;
import org.springframework.http.MediaType;
import org.springframework.mail.MailSendException;
import org.springframework.mail.javamail.JavaMailSender;
import org.springframework.mail.javamail.JavaMailSenderImpl;
import tools.jackson.databind.json.JsonMapper;

/**
 * What keeps notifications exactly once in the long run: reminders stay once after the retention purge,
 * a digest that fails for one recipient is neither repeated to the others nor retried for ever, and one
 * endpoint whose secret cannot be read does not stop the others' deliveries.
 */
class NotificationOnceTest extends AdminApiTest {

    private static final WireMockServer receiver =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll
    static void up() {
        receiver.start();
        receiver.stubFor(post(urlPathEqualTo("/once")).willReturn(aResponse().withStatus(204)));
    }

    @AfterAll
    static void down() {
        receiver.stop();
    }

    @Autowired
    NotificationRetention retention;

    @Autowired
    NotificationProperties notificationProperties;

    @Autowired
    JsonMapper json;

    @Autowired
    ConnectionFactory connections;

    private long received(String account, String type) {
        return receiver.findAll(postRequestedFor(urlPathEqualTo("/once"))).stream()
                .map(r -> JSON.readTree(r.getBodyAsString()))
                .filter(b -> b.get("type").asString().equals(type)
                        && account.equals(b.path("data").path("accountSid").asString("")))
                .count();
    }

    @Test
    void aReminderStaysOnceAfterTheRetentionPurge() {
        String account = newAccount();
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", receiver.baseUrl() + "/once", "events", List.of("token.never_used")))
                .exchange()
                .expectStatus()
                .isCreated();
        createToken(account, "Never used", newApi(), "GET");
        clock.advance(Duration.ofDays(8));
        await().atMost(Duration.ofSeconds(15)).until(() -> received(account, "token.never_used") == 1);
        await().atMost(Duration.ofSeconds(15))
                .until(() -> count(
                                "select count(*) from notification_outbox where account_sid = $1 and dispatched_at is null",
                                account)
                        == 0);
        clock.advance(Duration.ofDays(31));
        retention.purge().block(Duration.ofSeconds(30));
        await().pollDelay(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(15)).until(() -> true);
        assertThat(received(account, "token.never_used"))
                .as("never_used is once per token, purge or not")
                .isEqualTo(1);
    }

    @Test
    void aDigestFailingForOneRecipientReachesTheOthersOnceAndIsGivenUpAfterFiveAttempts() {
        String account = newAccount();
        String tag = unique("");
        String alice = "alice" + tag + "@example.com";
        String bounce = "bounce" + tag + "@example.com";
        operator()
                .patch()
                .uri("/v1/accounts/{a}", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("emailDelivery", "DAILY_DIGEST", "technicalContact", "ops" + tag + "@example.com"))
                .exchange()
                .expectStatus()
                .isOk();
        String sid = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "Digested",
                                "primaryContact",
                                alice,
                                "developerEmails",
                                List.of(bounce),
                                "scopes",
                                List.of(Map.of("api", newApi(), "methods", List.of("GET")))))
                .get("sid");

        List<String> delivered = Collections.synchronizedList(new ArrayList<>());
        JavaMailSenderImpl sender = new JavaMailSenderImpl() {
            @Override
            protected void doSend(MimeMessage[] messages, Object[] originals) {
                for (MimeMessage message : messages) {
                    try {
                        for (Address to : message.getAllRecipients()) {
                            if (to.toString().equals(bounce)) {
                                throw new MailSendException("550 no such user " + to);
                            }
                            delivered.add(to.toString());
                        }
                    } catch (jakarta.mail.MessagingException e) {
                        throw new IllegalStateException(e);
                    }
                }
            }
        };
        StaticListableBeanFactory beans = new StaticListableBeanFactory(Map.of("mail", sender));
        MailOutlet outlet = new MailOutlet(
                db,
                beans.getBeanProvider(JavaMailSender.class),
                notificationProperties,
                json,
                clock,
                new SimpleMeterRegistry());
        StoreLeader leader = new StoreLeader(connections, 42, "test", Duration.ofSeconds(1)) {
            @Override
            public boolean isLeader() {
                return true;
            }
        };
        DigestMailer digests = new DigestMailer(outlet, db, leader, notificationProperties, clock);
        Instant digestTime = digests.lastDigestTime(clock.instant().minus(Duration.ofMinutes(1)));
        db.sql("""
                insert into notification_outbox (account_sid, type, data, created_at, dispatched_at)
                values (:a, 'token.stale', jsonb_build_object('tokenSid', cast(:sid as text)), :at, :at)
                """)
                .bind("a", account)
                .bind("sid", sid)
                .bind("at", digestTime.minus(Duration.ofHours(1)))
                .then()
                .block(Duration.ofSeconds(5));

        for (int run = 0; run < 3; run++) {
            digests.runOnce().block(Duration.ofSeconds(30));
        }
        assertThat(delivered.stream().filter(alice::equals).count())
                .as("alice gets her digest once, however often the bounce is retried")
                .isEqualTo(1);
        assertThat(count(
                        "select count(*) from notification_outbox where account_sid = $1 and type = 'token.stale' and emailed_at is null",
                        account))
                .as("not marked mailed while a recipient may still get it")
                .isEqualTo(1);
        for (int run = 0; run < DigestMailer.MAX_ATTEMPTS; run++) {
            digests.runOnce().block(Duration.ofSeconds(30));
        }
        assertThat(count(
                        "select count(*) from notification_outbox where account_sid = $1 and type = 'token.stale' and emailed_at is null",
                        account))
                .as("given up on the bounce after its attempts: done")
                .isZero();
        assertThat(count("select max(attempts) from notification_digests where account_sid = $1", account))
                .isEqualTo(DigestMailer.MAX_ATTEMPTS);
    }

    @Test
    void anEndpointWhoseSecretCannotBeReadFailsAloneAndTheOthersAreDelivered() {
        receiver.stubFor(post(urlPathEqualTo("/once-b")).willReturn(aResponse().withStatus(204)));
        String broken = newAccount();
        Map<String, Object> a = operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", broken)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", receiver.baseUrl() + "/once-a", "events", List.of("token.disabled")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        db.sql("update webhook_endpoints set secret_ciphertext = decode(repeat('00', 60), 'hex') where id = $1")
                .bind(0, a.get("id"))
                .then()
                .block(Duration.ofSeconds(5));
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks/{id}/test", broken, a.get("id"))
                .exchange()
                .expectStatus()
                .isAccepted();
        String healthy = newAccount();
        Map<String, Object> b = operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", healthy)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", receiver.baseUrl() + "/once-b", "events", List.of("token.disabled")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks/{id}/test", healthy, b.get("id"))
                .exchange()
                .expectStatus()
                .isAccepted();
        try {
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> !receiver.findAll(postRequestedFor(urlPathEqualTo("/once-b")))
                            .isEmpty());
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> count(
                                    "select count(*) from webhook_deliveries where endpoint_id = $1 and attempts > 0"
                                            + " and last_error like '%signing secret cannot be read%'",
                                    a.get("id"))
                            == 1);
        } finally {
            db.sql("delete from webhook_endpoints where id = $1")
                    .bind(0, a.get("id"))
                    .then()
                    .block(Duration.ofSeconds(5));
        }
    }
}
