package io.scopegate.admin.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.scopegate.admin.AdminApiTest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Webhooks end to end: a change commits its notification, the elected replica delivers it to a real
 * HTTP receiver, signed as Standard Webhooks (checked here with an implementation of the spec's own),
 * and retries a failed delivery when its next attempt is due.
 */
class WebhookTest extends AdminApiTest {

    private static final WireMockServer receiver =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @BeforeAll
    static void startReceiver() {
        receiver.start();
    }

    @AfterAll
    static void stopReceiver() {
        receiver.stop();
    }

    @org.springframework.beans.factory.annotation.Autowired
    io.micrometer.core.instrument.MeterRegistry registry;

    private Map<String, Object> register(String account, String path, List<String> events) {
        receiver.stubFor(post(urlPathEqualTo(path)).willReturn(aResponse().withStatus(204)));
        return operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", receiver.baseUrl() + path, "events", events))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    private List<LoggedRequest> received(String path) {
        return receiver.findAll(postRequestedFor(urlPathEqualTo(path)));
    }

    /** Standard Webhooks verification, written from the specification, independent of the sender. */
    private static boolean verifies(String secret, LoggedRequest request) throws Exception {
        String id = request.getHeader("webhook-id");
        String timestamp = request.getHeader("webhook-timestamp");
        byte[] key = Base64.getDecoder().decode(secret.substring("whsec_".length()));
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = Base64.getEncoder()
                .encodeToString(mac.doFinal(
                        (id + "." + timestamp + "." + request.getBodyAsString()).getBytes(StandardCharsets.UTF_8)));
        for (String signature : request.getHeader("webhook-signature").split(" ")) {
            if (signature.equals("v1," + expected)) {
                return true;
            }
        }
        return false;
    }

    @Test
    void aDisabledTokenIsDeliveredSignedToTheEndpointsThatAskedForIt() throws Exception {
        String account = newAccount();
        String sid = (String) createToken(account, "Hooked", newApi(), "GET").get("sid");
        Map<String, Object> endpoint = register(account, "/hooks/disabled", List.of("token.disabled"));
        register(account, "/hooks/enabled-only", List.of("token.enabled"));
        String secret = (String) endpoint.get("secret");
        assertThat(secret).startsWith("whsec_");
        operator()
                .get()
                .uri("/v1/accounts/{a}/webhooks", account)
                .exchange()
                .expectBody()
                .jsonPath("$.items[0].secret")
                .doesNotExist();

        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                .exchange()
                .expectStatus()
                .isOk();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/hooks/disabled").size() == 1);
        LoggedRequest delivery = received("/hooks/disabled").get(0);
        assertThat(verifies(secret, delivery)).as("Standard Webhooks signature").isTrue();
        assertThat(delivery.getHeader("webhook-id")).startsWith("msg_");
        JsonNode body = JSON.readTree(delivery.getBodyAsString());
        assertThat(body.get("type").asString()).isEqualTo("token.disabled");
        assertThat(body.get("data").get("tokenSid").asString()).isEqualTo(sid);
        assertThat(delivery.getBodyAsString()).doesNotContain("sgt_");
        assertThat(received("/hooks/enabled-only")).isEmpty();
        assertThat(registry.counter("scopegate.notifications.sent", "channel", "webhook", "event", "token.disabled")
                        .count())
                .isPositive();

        operator()
                .get()
                .uri("/v1/accounts/{a}/webhooks/{id}/deliveries", account, endpoint.get("id"))
                .exchange()
                .expectBody()
                .jsonPath("$.items[0].status")
                .isEqualTo("SUCCEEDED")
                .jsonPath("$.items[0].attempts")
                .isEqualTo(1);
    }

    @Test
    void aFailedDeliveryIsRetriedWhenItsNextAttemptIsDueWithTheSameId() {
        String account = newAccount();
        String sid = (String) createToken(account, "Retried", newApi(), "GET").get("sid");
        Map<String, Object> endpoint = register(account, "/hooks/flaky", List.of("token.reset"));
        receiver.stubFor(post(urlPathEqualTo("/hooks/flaky"))
                .inScenario("flaky")
                .whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(500))
                .willSetStateTo("recovered"));
        receiver.stubFor(post(urlPathEqualTo("/hooks/flaky"))
                .inScenario("flaky")
                .whenScenarioStateIs("recovered")
                .willReturn(aResponse().withStatus(200)));

        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/hooks/flaky").size() == 1);
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> operator()
                        .get()
                        .uri("/v1/accounts/{a}/webhooks/{id}/deliveries", account, endpoint.get("id"))
                        .exchange()
                        .expectBody()
                        .jsonPath("$.items[0].status")
                        .isEqualTo("PENDING")
                        .jsonPath("$.items[0].lastResponseStatus")
                        .isEqualTo(500));

        clock.advance(Duration.ofSeconds(6)); // past the first wait of the schedule (5 s)
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/hooks/flaky").size() == 2);
        List<LoggedRequest> attempts = received("/hooks/flaky");
        assertThat(attempts.get(1).getHeader("webhook-id"))
                .isEqualTo(attempts.get(0).getHeader("webhook-id"));
        await().atMost(Duration.ofSeconds(5))
                .untilAsserted(() -> operator()
                        .get()
                        .uri("/v1/accounts/{a}/webhooks/{id}/deliveries", account, endpoint.get("id"))
                        .exchange()
                        .expectBody()
                        .jsonPath("$.items[0].status")
                        .isEqualTo("SUCCEEDED")
                        .jsonPath("$.items[0].attempts")
                        .isEqualTo(2));
    }

    @Test
    void aTestEventReachesTheEndpoint() {
        String account = newAccount();
        Map<String, Object> endpoint = register(account, "/hooks/test", List.of("token.deleted"));
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks/{id}/test", account, endpoint.get("id"))
                .exchange()
                .expectStatus()
                .isAccepted();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/hooks/test").size() == 1);
        assertThat(received("/hooks/test").get(0).getBodyAsString()).contains("\"type\":\"webhook.test\"");
    }

    @Test
    void endpointsThatReachInsideThePlatformOrNameUnknownEventsAreRefused() {
        String account = newAccount();
        for (Map<String, Object> body : List.of(
                Map.<String, Object>of(
                        "url", "http://169.254.169.254/latest/meta-data", "events", List.of("token.reset")),
                Map.<String, Object>of("url", "ftp://example.com/hook", "events", List.of("token.reset")),
                Map.<String, Object>of("url", "https://user:pw@example.com/hook", "events", List.of("token.reset")),
                Map.<String, Object>of("url", receiver.baseUrl() + "/x", "events", List.of("token.eaten")),
                Map.<String, Object>of("url", receiver.baseUrl() + "/x", "events", List.of()))) {
            Map<String, Object> problem = operator()
                    .post()
                    .uri("/v1/accounts/{a}/webhooks", account)
                    .contentType(MediaType.APPLICATION_JSON)
                    .bodyValue(body)
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertProblem(problem, 400, null);
        }
        assertThat(count("select count(*) from webhook_endpoints where account_sid = $1", account))
                .isZero();
        as(newUser(account, "IMPLEMENTATION_SPECIALIST"), USER_PASSWORD)
                .get()
                .uri("/v1/accounts/{a}/webhooks", account)
                .exchange()
                .expectStatus()
                .isForbidden();
    }

    @Test
    void aBacklogOfManyNotificationsIsDispatchedAndDelivered() {
        String account = newAccount();
        register(account, "/hooks/backlog", List.of("token.disabled"));
        db.sql("""
                insert into notification_outbox (account_sid, type, data, created_at)
                select :account, 'token.disabled', jsonb_build_object('n', n), :now from generate_series(1, 150) as n
                """).bind("account", account).bind("now", clock.instant()).then().block(Duration.ofSeconds(10));
        await().atMost(Duration.ofSeconds(30))
                .until(() -> received("/hooks/backlog").size() == 150);
        assertThat(count(
                        "select count(*) from notification_outbox where account_sid = $1 and dispatched_at is null",
                        account))
                .isZero();
    }

    @Test
    void aUrlIsCalledAsRegisteredEscapesAndAll() {
        String account = newAccount();
        receiver.stubFor(post(com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/enc/.*"))
                .willReturn(aResponse().withStatus(204)));
        String id = (String) operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("url", receiver.baseUrl() + "/enc/a%20b?sig=x%2Fy", "events", List.of("token.reset")))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("id");
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks/{id}/test", account, id)
                .exchange()
                .expectStatus()
                .isAccepted();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> receiver.findAll(postRequestedFor(
                                        com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/enc/.*")))
                                .size()
                        == 1);
        assertThat(receiver.findAll(postRequestedFor(
                                com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching("/enc/.*")))
                        .get(0)
                        .getUrl())
                .isEqualTo("/enc/a%20b?sig=x%2Fy");
    }

    @org.springframework.beans.factory.annotation.Autowired
    WebhookSecrets secrets;

    private LoggedRequest testEvent(String account, String id, String path, int expected) {
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks/{id}/test", account, id)
                .exchange()
                .expectStatus()
                .isAccepted();
        await().atMost(Duration.ofSeconds(10)).until(() -> received(path).size() == expected);
        return received(path).get(expected - 1);
    }

    @Test
    void aRotatedSecretSignsBesideTheOldOneForTheGracePeriodThenAlone() throws Exception {
        String account = newAccount();
        Map<String, Object> endpoint = register(account, "/hooks/rotated", List.of("token.disabled"));
        String id = (String) endpoint.get("id");
        String old = (String) endpoint.get("secret");
        Map<String, Object> rotated = operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks/{id}/rotate-secret", account, id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("graceHours", 2))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        String fresh = (String) rotated.get("secret");
        assertThat(fresh).startsWith("whsec_").isNotEqualTo(old);

        LoggedRequest during = testEvent(account, id, "/hooks/rotated", 1);
        assertThat(during.getHeader("webhook-signature").split(" ")).hasSize(2);
        assertThat(verifies(fresh, during)).isTrue();
        assertThat(verifies(old, during))
                .as("receivers not yet switched still verify")
                .isTrue();

        clock.advance(Duration.ofHours(3));
        LoggedRequest after = testEvent(account, id, "/hooks/rotated", 2);
        assertThat(verifies(fresh, after)).isTrue();
        assertThat(verifies(old, after)).as("the grace period is over").isFalse();

        assertThat(count(
                        "select count(*) from audit_events where account_sid = $1 and action in"
                                + " ('WEBHOOK_SECRET_ROTATED', 'WEBHOOK_TEST_SENT')",
                        account))
                .as("the rotation and both test events are audited")
                .isEqualTo(3);
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks/{id}/rotate-secret", account, id)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("graceHours", 100))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody()
                .jsonPath("$.errors[0].field")
                .isEqualTo("graceHours");
    }

    @Test
    void signingSecretsAreStoredEncryptedAndOnesStoredPlainBeforeAreEncryptedAtStart() throws Exception {
        String account = newAccount();
        Map<String, Object> endpoint = register(account, "/hooks/at-rest", List.of("token.disabled"));
        String id = (String) endpoint.get("id");
        String secret = (String) endpoint.get("secret");
        assertThat(count(
                        "select count(*) from webhook_endpoints where id = $1 and secret is null"
                                + " and secret_ciphertext is not null",
                        id))
                .isEqualTo(1);
        byte[] sealed = db.sql("select secret_ciphertext from webhook_endpoints where id = $1")
                .bind(0, id)
                .map(row -> row.get(0, byte[].class))
                .one()
                .block(Duration.ofSeconds(5));
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain(secret.substring(6, 20));

        // As an endpoint saved before secrets were encrypted (V9) is stored.
        db.sql("update webhook_endpoints set secret = $1, secret_ciphertext = null where id = $2")
                .bind(0, secret)
                .bind(1, id)
                .then()
                .block(Duration.ofSeconds(5));
        assertThat(verifies(secret, testEvent(account, id, "/hooks/at-rest", 1)))
                .as("still signs while stored plain")
                .isTrue();
        assertThat(secrets.sealPlainSecrets().block(Duration.ofSeconds(10))).isPositive();
        assertThat(count("select count(*) from webhook_endpoints where secret is not null and $1 = $1", "any"))
                .isZero();
        assertThat(verifies(secret, testEvent(account, id, "/hooks/at-rest", 2)))
                .isTrue();
    }

    @org.springframework.beans.factory.annotation.Autowired
    NotificationRetention retention;

    @Test
    void anAccountRegistersAtMostTenEndpoints() {
        String account = newAccount();
        for (int i = 0; i < 10; i++) {
            register(account, "/hooks/many-" + i, List.of("token.disabled"));
        }
        Map<String, Object> problem = operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(
                        Map.of("url", receiver.baseUrl() + "/hooks/one-too-many", "events", List.of("token.disabled")))
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertThat((String) problem.get("detail")).contains("10 webhook endpoints");
        assertThat(count("select count(*) from webhook_endpoints where account_sid = $1", account))
                .isEqualTo(10);
    }

    @Test
    void finishedDeliveriesAndSentNotificationsAreForgottenAfterTheRetentionPendingOnesNever() {
        String account = newAccount();
        String sid = (String) createToken(account, "Retained", newApi(), "GET").get("sid");
        register(account, "/hooks/retained", List.of("token.disabled", "token.enabled"));
        receiver.stubFor(post(urlPathEqualTo("/hooks/failing-retained"))
                .willReturn(aResponse().withStatus(500)));
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "url", receiver.baseUrl() + "/hooks/failing-retained", "events", List.of("token.disabled")))
                .exchange()
                .expectStatus()
                .isCreated();
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/hooks/retained").size() == 1);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/hooks/failing-retained").size() == 1);

        clock.advance(Duration.ofDays(31));
        retention.purge().block(Duration.ofSeconds(30));
        String deliveries = "select count(*) from webhook_deliveries d join webhook_endpoints e on e.id = d.endpoint_id"
                + " where e.account_sid = $1";
        assertThat(count(deliveries + " and d.status = 'SUCCEEDED'", account)).isZero();
        assertThat(count(deliveries + " and d.status = 'PENDING'", account))
                .as("a delivery still being retried stays, and so does its notification")
                .isEqualTo(1);
        assertThat(count("select count(*) from notification_outbox where account_sid = $1", account))
                .isEqualTo(1);
    }
}
