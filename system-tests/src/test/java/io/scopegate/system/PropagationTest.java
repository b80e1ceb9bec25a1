package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopegate.gateway.revocation.GatewayInstance;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * When a revoking admin call returns, every live gateway replica has applied it: a request sent to any
 * replica the instant the call answers is refused, every time. A replica that cannot confirm within
 * the bound (1 s) holds the call no longer, is named as unconfirmed, and refuses once it catches up.
 */
class PropagationTest extends SystemTest {

    private static final String HEADER = "Scopegate-Propagation";
    private static final Pattern CONFIRMED = Pattern.compile("confirmed=(\\d+)/(\\d+); ms=(\\d+)(; timeout)?");

    private String account;
    private String api;

    @BeforeEach
    void onlyTheSharedReplicasAreLive() {
        // A replica another test closed while its store was cut could not leave the live set: it ages out.
        Set<String> shared = Set.of(instanceId(gatewayA), instanceId(gatewayB));
        await().atMost(Duration.ofSeconds(30)).until(() -> liveInstances().equals(shared));
        account = newAccount();
        api = newApi("GET", "POST");
    }

    @Test
    void twoHundredRevocationsEachHoldOnBothReplicasTheInstantTheCallReturns() {
        Map<String, Object> token = createToken(account, api, "GET", "POST");
        String sid = (String) token.get("sid");
        String auth = basic(sid, (String) token.get("authToken"));
        acceptedOnBoth(auth);

        for (int i = 0; i < 200; i++) {
            switch (i % 4) {
                case 0 -> {
                    confirmedByAll(call(admin().post().uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)));
                    refusedOnBoth(auth, "GET", i);
                    confirmedByAll(call(admin().post().uri("/v1/accounts/{a}/tokens/{s}/enable", account, sid)));
                    acceptedOnBoth(auth);
                }
                case 1 -> {
                    confirmedByAll(call(scopes(sid, "POST")));
                    refusedOnBoth(auth, "GET", i);
                    confirmedByAll(call(scopes(sid, "GET", "POST")));
                    acceptedOnBoth(auth);
                }
                case 2 -> {
                    WebTestClient.ResponseSpec reset = admin().post()
                            .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                            .exchange()
                            .expectStatus()
                            .isOk();
                    EntityExchangeResult<Map<String, Object>> result =
                            reset.expectBody(MAP).returnResult();
                    assertThat(result.getResponseHeaders().getFirst(HEADER)).matches("confirmed=2/2; ms=\\d+");
                    Map<String, Object> body = result.getResponseBody();
                    String old = auth;
                    auth = basic(sid, (String) body.get("authToken"));
                    refusedOnBoth(old, "GET", i);
                    acceptedOnBoth(auth);
                }
                default -> {
                    confirmedByAll(call(admin().delete().uri("/v1/accounts/{a}/tokens/{s}", account, sid)));
                    refusedOnBoth(auth, "GET", i);
                    Map<String, Object> next = createToken(account, api, "GET", "POST");
                    sid = (String) next.get("sid");
                    auth = basic(sid, (String) next.get("authToken"));
                    acceptedOnBoth(auth);
                }
            }
        }
    }

    @Test
    void disablingAllOfAnAccountsTokensHoldsForEveryOneOnBothReplicasTheInstantTheCallReturns() {
        List<String> auths = new java.util.ArrayList<>();
        for (int i = 0; i < 20; i++) {
            Map<String, Object> token = createToken(account, api, "GET");
            auths.add(basic((String) token.get("sid"), (String) token.get("authToken")));
        }
        enableLegacy(account).forEach(t -> auths.add(basic((String) t.get("sid"), (String) t.get("authToken"))));
        auths.forEach(this::acceptedOnBoth);

        confirmedByAll(call(admin().post()
                .uri("/v1/accounts/{a}/tokens/disable-all", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("all", true))));

        for (int i = 0; i < auths.size(); i++) {
            refusedOnBoth(auths.get(i), "GET", i);
        }
    }

    @Test
    void aFrozenReplicaHoldsTheCallOnlyForTheBoundIsNamedAndRefusesTheTokenOnceItWakes() throws Exception {
        Map<String, Object> token = createToken(account, api, "GET");
        String sid = (String) token.get("sid");
        String auth = basic(sid, (String) token.get("authToken"));
        URI store = URI.create(system.r2dbcUrl().substring("r2dbc:".length()));
        try (CuttableProxy link = new CuttableProxy(store.getPort());
                RunningGateway frozen = system.startGateway(Map.of(
                        "spring.r2dbc.url",
                        "r2dbc:postgresql://127.0.0.1:" + link.port() + store.getPath(),
                        "scopegate.gateway.store-timeout",
                        "1s"))) {
            awaitReady(frozen);
            awaitRouted(api, frozen);
            assertThat(status(frozen, "GET", "/" + api + "/x", auth)).isEqualTo(200);
            String frozenId = instanceId(frozen);
            await().atMost(Duration.ofSeconds(10)).until(() -> liveInstances().contains(frozenId));

            link.freeze();
            WebTestClient.ResponseSpec disabled =
                    call(admin().post().uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid));
            String header =
                    disabled.returnResult(byte[].class).getResponseHeaders().getFirst(HEADER);

            Matcher propagation = CONFIRMED.matcher(header);
            assertThat(propagation.matches()).as(header).isTrue();
            assertThat(propagation.group(1) + "/" + propagation.group(2)).isEqualTo("2/3");
            assertThat(Long.parseLong(propagation.group(3))).isBetween(1000L, 2000L);
            assertThat(propagation.group(4)).isEqualTo("; timeout");
            refusedOnBoth(auth, "GET", 0);
            assertThat(missedTheBound()).contains(frozenId);

            link.thaw();
            await().atMost(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(10))
                    .until(() -> status(frozen, "GET", "/" + api + "/x", auth) == 403);
        }
    }

    private WebTestClient.RequestHeadersSpec<?> scopes(String sid, String... methods) {
        return admin().patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("scopes", List.of(Map.of("api", api, "methods", List.of(methods)))));
    }

    private static WebTestClient.ResponseSpec call(WebTestClient.RequestHeadersSpec<?> request) {
        return request.exchange().expectStatus().is2xxSuccessful();
    }

    private static void confirmedByAll(WebTestClient.ResponseSpec response) {
        HttpHeaders headers = response.returnResult(byte[].class).getResponseHeaders();
        assertThat(headers.getFirst(HEADER)).matches("confirmed=2/2; ms=\\d+");
    }

    /** No waiting, no retry: the first request after the call returned. */
    private void refusedOnBoth(String auth, String method, int revocation) {
        assertThat(status(gatewayA, method, "/" + api + "/x", auth))
                .as("replica A, revocation %d", revocation)
                .isEqualTo(403);
        assertThat(status(gatewayB, method, "/" + api + "/x", auth))
                .as("replica B, revocation %d", revocation)
                .isEqualTo(403);
    }

    private void acceptedOnBoth(String auth) {
        assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(200);
        assertThat(status(gatewayB, "GET", "/" + api + "/x", auth)).isEqualTo(200);
    }

    private static String instanceId(RunningGateway gateway) {
        return gateway.context().getBean(GatewayInstance.class).id();
    }

    private Set<String> liveInstances() {
        return new HashSet<>(system.admin
                .getBean(DatabaseClient.class)
                .sql("select instance_id from gateway_instances where seen_at > now() - interval '15 seconds'")
                .map(row -> row.get(0, String.class))
                .all()
                .collectList()
                .block(Duration.ofSeconds(5)));
    }

    private String missedTheBound() {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + system.admin.getEnvironment().getProperty("local.management.port"))
                .build()
                .get()
                .uri("/actuator/health")
                .headers(headers -> headers.setBasicAuth("admin", Scopegate.OPERATOR_PASSWORD))
                .exchange()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }
}
