package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import io.scopegate.store.lifecycle.StoreLeader;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Two admin API replicas on one store (a PostgreSQL of this test's own, so a replica can be stopped):
 * each notification is delivered once, by whichever is elected, and when the elected one stops in the
 * middle of the work the other takes over and nothing is sent twice or left unsent.
 */
class AdminReplicasTest {

    private static final ParameterizedTypeReference<Map<String, Object>> MAP = new ParameterizedTypeReference<>() {};
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String PASSWORD = "replicas-operator-password";

    private static EmbeddedPostgres store;
    private static final WireMockServer receiver =
            new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private static final List<ConfigurableApplicationContext> replicas = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        store = EmbeddedPostgres.builder().start();
        receiver.start();
        receiver.stubFor(post(urlPathEqualTo("/hooks")).willReturn(aResponse().withStatus(204)));
        for (int i = 0; i < 2; i++) {
            replicas.add(Scopegate.startAdmin(
                    "r2dbc:postgresql://localhost:" + store.getPort() + "/postgres",
                    PASSWORD,
                    Map.of(
                            "scopegate.webhooks.allow-private-addresses", "true",
                            "scopegate.webhooks.poll-interval", "50ms",
                            "scopegate.notifications.reminder-interval", "200ms")));
        }
    }

    @AfterAll
    static void stop() throws Exception {
        replicas.forEach(ConfigurableApplicationContext::close);
        receiver.stop();
        store.close();
    }

    private static WebTestClient client(ConfigurableApplicationContext replica) {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + replica.getEnvironment().getProperty("local.server.port"))
                .defaultHeaders(headers -> headers.setBasicAuth("admin", PASSWORD))
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    private static Map<String, Object> send(WebTestClient client, String uri, Object body) {
        return client.post()
                .uri(uri)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .is2xxSuccessful()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    private static List<LoggedRequest> received() {
        return receiver.findAll(postRequestedFor(urlPathEqualTo("/hooks")));
    }

    @Test
    void eachNotificationIsDeliveredOnceWhileTheElectedReplicaStopsMidway() {
        ConfigurableApplicationContext leader = replicas.stream()
                .filter(replica -> replica.getBean(StoreLeader.class).isLeader())
                .findFirst()
                .orElseThrow();
        ConfigurableApplicationContext other = replicas.get(replicas.indexOf(leader) == 0 ? 1 : 0);
        assertThat(other.getBean(StoreLeader.class).isLeader())
                .as("one replica is elected")
                .isFalse();

        WebTestClient admin = client(other);
        String account =
                (String) send(admin, "/v1/accounts", Map.of("name", "Replicas")).get("sid");
        admin.put()
                .uri("/v1/apis/replicated")
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        "Replicated",
                        "paths",
                        List.of("/replicated/**"),
                        "methods",
                        List.of("GET"),
                        "upstreamUrl",
                        "http://localhost:9",
                        "latestVersion",
                        1))
                .exchange()
                .expectStatus()
                .is2xxSuccessful();
        send(
                admin,
                "/v1/accounts/" + account + "/webhooks",
                Map.of("url", receiver.baseUrl() + "/hooks", "events", List.of("token.created", "token.disabled")));
        List<String> sids = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            sids.add((String) send(
                            admin,
                            "/v1/accounts/" + account + "/tokens",
                            Map.of(
                                    "name",
                                    "token " + i,
                                    "scopes",
                                    List.of(Map.of("api", "replicated", "methods", List.of("GET")))))
                    .get("sid"));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> received().size() >= 10);

        // Changes through both replicas; the elected one stops while delivering them.
        for (int i = 0; i < sids.size(); i++) {
            WebTestClient through = client(i % 2 == 0 ? other : leader);
            through.post()
                    .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sids.get(i))
                    .exchange()
                    .expectStatus()
                    .isOk();
        }
        leader.close();
        replicas.remove(leader);

        await().atMost(Duration.ofSeconds(30)).until(() -> received().size() >= 20);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> other.getBean(StoreLeader.class).isLeader());
        await().pollDelay(Duration.ofSeconds(2)).until(() -> true); // time to send anything twice, if it would
        List<String> ids = received().stream()
                .map(request -> request.getHeader("webhook-id"))
                .toList();
        List<String> events = received().stream()
                .map(request -> JSON.readTree(request.getBodyAsString()))
                .map(body -> body.get("type").asString() + " "
                        + body.get("data").get("tokenSid").asString())
                .toList();
        assertThat(ids).hasSize(20).doesNotHaveDuplicates();
        assertThat(events).hasSize(20).doesNotHaveDuplicates();
    }
}
