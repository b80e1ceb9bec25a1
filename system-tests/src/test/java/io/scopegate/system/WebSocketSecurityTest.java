package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;

/**
 * Issue 14, finding 1: a WebSocket tunnel is checked once, at its handshake, and then carries frames
 * for as long as it stays open. So upgrades are refused unless the API opts in ({@code websocket:
 * true}); an opted-in API's tunnel needs the token's GET scope, counts as one use, and is closed
 * (1008) on every replica within the revocation bound when the token is disabled, reset, deleted,
 * expires or loses the scope. The upstream is a real WebSocket echo server, the client Reactor Netty's.
 */
@Tag("security")
class WebSocketSecurityTest extends SystemTest {

    /** The revocation bound is one second; this leaves room for a busy machine without hiding a leak. */
    private static final Duration CLOSED_WITHIN = Duration.ofSeconds(3);

    private final WebSocketEcho echo = new WebSocketEcho();
    private final List<WebSocketProbe> probes = new ArrayList<>();
    private String account;

    @BeforeEach
    void anAccount() {
        account = newAccount();
    }

    @AfterEach
    void closeEverything() {
        probes.forEach(WebSocketProbe::close);
        echo.close();
    }

    /** An API at /{id}/** in front of the echo server, routed by both replicas. */
    private String webSocketApi(boolean optIn) {
        String id = unique("ws-");
        putApi(id, echo.url(), Map.of("websocket", optIn), "GET", "POST");
        awaitRouted(id, gatewayA, gatewayB);
        return id;
    }

    private WebSocketProbe open(RunningGateway gateway, String api, String authorization) {
        WebSocketProbe probe = WebSocketProbe.open(gateway, "/" + api + "/socket", authorization);
        probes.add(probe);
        return probe;
    }

    /** A tunnel that carries frames both ways now. */
    private WebSocketProbe tunnel(RunningGateway gateway, String api, String authorization) throws Exception {
        WebSocketProbe probe = open(gateway, api, authorization);
        assertThat(probe.connected()).as("handshake accepted").isTrue();
        assertThat(probe.roundTrip("ping")).isEqualTo("echo:ping");
        return probe;
    }

    private static void awaitClosedByTheGateway(WebSocketProbe... probes) {
        await().atMost(CLOSED_WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            for (WebSocketProbe probe : probes) {
                assertThat(probe.closeStatus()).isEqualTo(WebSocketCloseStatus.POLICY_VIOLATION);
            }
        });
    }

    private static String auth(Map<String, Object> token) {
        return basic((String) token.get("sid"), (String) token.get("authToken"));
    }

    @Test
    void anUpgradeToAnApiThatHasNotOptedInIsRefusedAndNeverReachesTheUpstream() {
        String api = webSocketApi(false);
        String auth = auth(createToken(account, api, "GET"));

        assertThat(open(gatewayA, api, auth).refusedWith()).isEqualTo(403);
        assertThat(open(gatewayB, api, auth).refusedWith()).isEqualTo(403);
        gatewayA.client()
                .get()
                .uri("/" + api + "/socket")
                .header("Authorization", auth)
                .header("Connection", "Upgrade")
                .header("Upgrade", "websocket")
                .header("Sec-WebSocket-Version", "13")
                .header("Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==")
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .json("""
                        {"type":"urn:scopegate:problem:access-denied","title":"Access Denied","status":403,
                         "detail":"This API does not accept WebSocket connections"}""");
        assertThat(echo.handshakes).isEmpty();
    }

    @Test
    void anOptedInApiCarriesFramesForATokenWithItsGetScopeAndTheUpstreamSeesOnlyTheTokensIdentity() throws Exception {
        String api = webSocketApi(true);
        Map<String, Object> token = createToken(account, api, "GET");

        WebSocketProbe probe = tunnel(gatewayA, api, auth(token));
        assertThat(probe.roundTrip("hello")).isEqualTo("echo:hello");
        assertThat(echo.handshakes).singleElement().satisfies(headers -> {
            assertThat(headers.get("X-Scopegate-Token")).isEqualTo(token.get("sid"));
            assertThat(headers.get("X-Scopegate-Account")).isEqualTo(account);
            assertThat(headers.contains("Authorization")).isFalse();
        });

        // The handshake is a GET: without that scope (here POST only), no tunnel; without credentials neither.
        assertThat(open(gatewayA, api, auth(createToken(account, api, "POST"))).refusedWith())
                .isEqualTo(403);
        assertThat(open(gatewayB, api, null).refusedWith()).isEqualTo(403);
    }

    @Test
    void disablingTheTokenClosesItsTunnelsOnEveryReplicaAndOnlyItsTunnels() throws Exception {
        String api = webSocketApi(true);
        Map<String, Object> token = createToken(account, api, "GET");
        WebSocketProbe onA = tunnel(gatewayA, api, auth(token));
        WebSocketProbe onB = tunnel(gatewayB, api, auth(token));
        WebSocketProbe otherToken = tunnel(gatewayA, api, auth(createToken(account, api, "GET")));
        assertThat(echo.open).hasValue(3);

        tokenAction(account, token.get("sid"), "disable");

        awaitClosedByTheGateway(onA, onB);
        await().atMost(CLOSED_WITHIN).untilAsserted(() -> assertThat(echo.open).hasValue(1));
        assertThat(otherToken.roundTrip("still here")).isEqualTo("echo:still here");
        assertThat(otherToken.closeStatus()).isNull();
        // ...and it cannot open a new one.
        assertThat(open(gatewayA, api, auth(token)).refusedWith()).isEqualTo(403);
    }

    @Test
    void resettingTheTokenClosesTunnelsOpenedWithTheOldSecret() throws Exception {
        String api = webSocketApi(true);
        Map<String, Object> token = createToken(account, api, "GET");
        WebSocketProbe onA = tunnel(gatewayA, api, auth(token));
        WebSocketProbe onB = tunnel(gatewayB, api, auth(token));

        String newSecret = (String) admin().post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, token.get("sid"))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("authToken");

        awaitClosedByTheGateway(onA, onB);
        assertThat(tunnel(gatewayA, api, basic((String) token.get("sid"), newSecret))
                        .roundTrip("new"))
                .isEqualTo("echo:new");
    }

    @Test
    void aResetWithGraceKeepsTunnelsOfTheOldSecretOpenDuringTheGrace() throws Exception {
        String api = webSocketApi(true);
        Map<String, Object> token = createToken(account, api, "GET");
        WebSocketProbe probe = tunnel(gatewayA, api, auth(token));

        String newSecret = (String) admin().post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, token.get("sid"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("graceSeconds", 3600))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("authToken");
        // Applied on this replica once the new secret passes there.
        String fresh = basic((String) token.get("sid"), newSecret);
        await().atMost(CLOSED_WITHIN).until(() -> status(gatewayA, "GET", "/" + api + "/x", fresh) == 200);

        assertThat(probe.roundTrip("during grace")).isEqualTo("echo:during grace");
        assertThat(probe.closeStatus()).isNull();
    }

    @Test
    void deletingTheTokenClosesItsTunnels() throws Exception {
        String api = webSocketApi(true);
        Map<String, Object> token = createToken(account, api, "GET");
        WebSocketProbe onA = tunnel(gatewayA, api, auth(token));
        WebSocketProbe onB = tunnel(gatewayB, api, auth(token));

        admin().delete()
                .uri("/v1/accounts/{a}/tokens/{s}", account, token.get("sid"))
                .exchange()
                .expectStatus()
                .isNoContent();

        awaitClosedByTheGateway(onA, onB);
    }

    @Test
    void losingTheGetScopeClosesTheTunnel() throws Exception {
        String api = webSocketApi(true);
        Map<String, Object> token = createToken(account, api, "GET", "POST");
        WebSocketProbe probe = tunnel(gatewayA, api, auth(token));

        admin().patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, token.get("sid"))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("scopes", List.of(Map.of("api", api, "methods", List.of("POST")))))
                .exchange()
                .expectStatus()
                .isOk();

        awaitClosedByTheGateway(probe);
    }

    @Test
    void anExpiringTokensTunnelIsClosedWhenItExpires() throws Exception {
        String api = webSocketApi(true);
        Instant expiresAt = Instant.now().plusSeconds(3);
        Map<String, Object> token = createToken(
                account,
                Map.of(
                        "name",
                        unique("expiring "),
                        "expiresAt",
                        expiresAt.toString(),
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET")))));
        WebSocketProbe probe = tunnel(gatewayA, api, auth(token));

        await().atMost(Duration.ofSeconds(3).plus(CLOSED_WITHIN))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> assertThat(probe.closeStatus()).isEqualTo(WebSocketCloseStatus.POLICY_VIOLATION));
        assertThat(Instant.now()).isAfterOrEqualTo(expiresAt);
    }

    @Test
    void anApiThatStopsAcceptingWebSocketsClosesItsTunnels() throws Exception {
        String api = webSocketApi(true);
        WebSocketProbe probe = tunnel(gatewayA, api, auth(createToken(account, api, "GET")));

        admin().put()
                .uri("/v1/apis/{id}", api)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "name",
                        api,
                        "paths",
                        List.of("/" + api + "/**"),
                        "methods",
                        List.of("GET", "POST"),
                        "upstreamUrl",
                        echo.url(),
                        "latestVersion",
                        1))
                .exchange()
                .expectStatus()
                .isOk();

        awaitClosedByTheGateway(probe);
    }

    /** Frames are not requests: a tunnel is one use of the token, in metrics and usage, however much it carries. */
    @Test
    void aTunnelCountsAsOneRequestOfItsTokenWhateverItCarries() throws Exception {
        String api = webSocketApi(true);
        Map<String, Object> token = createToken(account, api, "GET");
        String sid = (String) token.get("sid");
        WebSocketProbe probe = tunnel(gatewayA, api, auth(token));
        for (int i = 0; i < 5; i++) {
            assertThat(probe.roundTrip("frame " + i)).isEqualTo("echo:frame " + i);
        }

        // Counted while the tunnel is still open: a long-lived tunnel is not an unused token.
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(requestsOf(gatewayA, sid, api)).isEqualTo(1.0));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            Map<String, Object> usage = admin().get()
                    .uri("/v1/accounts/{a}/tokens/{s}/usage?days=1", account, sid)
                    .exchange()
                    .expectStatus()
                    .isOk()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertThat(usage).containsEntry("requests", 1);
            assertThat(usage.get("lastUsedAt")).isNotNull();
        });
        probe.close();
        await().atMost(CLOSED_WITHIN).untilAsserted(() -> assertThat(echo.open).hasValue(0));
        assertThat(requestsOf(gatewayA, sid, api)).isEqualTo(1.0);
    }

    private static double requestsOf(RunningGateway gateway, String sid, String api) {
        Matcher matcher = Pattern.compile(
                        "^scopegate_requests_total\\{[^}]*api=\"" + Pattern.quote(api)
                                + "\",method=\"GET\",outcome=\"allowed\",token=\"" + Pattern.quote(sid)
                                + "\"\\} (\\S+)$",
                        Pattern.MULTILINE)
                .matcher(gateway.scrape());
        return matcher.find() ? Double.parseDouble(matcher.group(1)) : 0.0;
    }

    /**
     * The proxy port's body read timeout (30 s by default) bounds request bodies; it cut a tunnel whose
     * client had said nothing for that long. Slow on purpose: it waits the default timeout out.
     */
    @Test
    void aQuietTunnelIsNotCutByTheRequestBodyReadTimeout() throws Exception {
        String api = webSocketApi(true);
        WebSocketProbe probe = tunnel(gatewayA, api, auth(createToken(account, api, "GET")));
        Thread.sleep(Duration.ofSeconds(35).toMillis());
        assertThat(probe.closeStatus()).isNull();
        assertThat(probe.roundTrip("still there?")).isEqualTo("echo:still there?");
    }
}
