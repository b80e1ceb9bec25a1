package io.scopegate.admin.notify;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.scopegate.admin.AdminApiTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/** Reminders that time makes, each sent once: the clock is moved across each threshold. */
class ReminderTest extends AdminApiTest {

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

    private List<String> received(String path, String type) {
        return receiver.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .map(request -> JSON.readTree(request.getBodyAsString()))
                .filter(body -> body.get("type").asString().equals(type))
                .map(body -> body.get("data").toString())
                .toList();
    }

    @Test
    void aTokenExpiringInTenDaysHearsSevenAndOneDayBeforeExactlyOnceEach() throws InterruptedException {
        String account = newAccount();
        receiver.stubFor(
                post(urlPathEqualTo("/reminders")).willReturn(aResponse().withStatus(204)));
        operator()
                .post()
                .uri("/v1/accounts/{a}/webhooks", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "url", receiver.baseUrl() + "/reminders", "events", List.of("token.expiring", "token.expired")))
                .exchange()
                .expectStatus()
                .isCreated();
        String sid = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "Ten days",
                                "expiresAt",
                                clock.instant().plus(Duration.ofDays(10)).toString(),
                                "scopes",
                                List.of(Map.of("api", newApi(), "methods", List.of("GET")))))
                .get("sid");

        Thread.sleep(1000); // several scheduler runs: the 14-day window opened before the token existed
        assertThat(received("/reminders", "token.expiring")).isEmpty();

        clock.advance(Duration.ofDays(3).plusHours(1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/reminders", "token.expiring").size() == 1);
        assertThat(received("/reminders", "token.expiring").get(0)).contains(sid, "\"daysLeft\":7");

        clock.advance(Duration.ofDays(6));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/reminders", "token.expiring").size() == 2);
        assertThat(received("/reminders", "token.expiring").get(1)).contains("\"daysLeft\":1");

        clock.advance(Duration.ofDays(1));
        await().atMost(Duration.ofSeconds(10))
                .until(() -> received("/reminders", "token.expired").size() == 1);
        Thread.sleep(1000); // more runs, and nothing is sent twice
        assertThat(received("/reminders", "token.expiring")).hasSize(2);
        assertThat(received("/reminders", "token.expired")).hasSize(1);
        assertThat(count(
                        "select count(*) from notification_outbox where data->>'tokenSid' = $1 and type like 'token.expir%'",
                        sid))
                .isEqualTo(3);
        // Never used a week after it was created (and not stale, nor due for rotation yet).
        assertThat(count(
                        "select count(*) from notification_outbox where data->>'tokenSid' = $1 and type = 'token.never_used'",
                        sid))
                .isEqualTo(1);
        assertThat(count(
                        "select count(*) from notification_outbox where data->>'tokenSid' = $1"
                                + " and type in ('token.stale', 'token.rotation_due')",
                        sid))
                .isZero();
    }
}
