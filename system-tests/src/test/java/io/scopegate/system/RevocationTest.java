package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.TokenCache;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;

/**
 * A reset, disable, delete or scope change made through the admin API holds on every replica within
 * one second, with no restart, also after a replica lost its LISTEN connection (the poll catches up).
 */
class RevocationTest extends SystemTest {

    private static final Duration WITHIN = Duration.ofSeconds(1);

    private String account;
    private String api;
    private String sid;
    private String auth;

    @BeforeEach
    void aTokenBothReplicasAccept() {
        account = newAccount();
        api = newApi("GET", "POST");
        Map<String, Object> token = createToken(account, api, "GET", "POST");
        sid = (String) token.get("sid");
        auth = basic(sid, (String) token.get("authToken"));
        assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(200);
        assertThat(status(gatewayB, "GET", "/" + api + "/x", auth)).isEqualTo(200);
    }

    private void refusedOnBothWithinASecond(String method) {
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(status(gatewayA, method, "/" + api + "/x", auth)).isEqualTo(403);
            assertThat(status(gatewayB, method, "/" + api + "/x", auth)).isEqualTo(403);
        });
    }

    @Test
    void disabledTokenIsRefusedOnBothReplicas() {
        tokenAction(account, sid, "disable");
        refusedOnBothWithinASecond("GET");
    }

    /** The refusal then needs no store query: every replica reloaded the token when told of the change. */
    @Test
    void aDisabledTokensNewStateIsInEveryReplicasMemoryBeforeAnyRequest() {
        tokenAction(account, sid, "disable");
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            for (RunningGateway gateway : List.of(gatewayA, gatewayB)) {
                CachedToken cached = gateway.context().getBean(TokenCache.class).loaded(sid);
                assertThat(cached)
                        .isInstanceOfSatisfying(
                                CachedToken.Scoped.class,
                                token -> assertThat(token.enabled()).isFalse());
            }
        });
    }

    @Test
    void resetTokensOldSecretIsRefusedOnBothReplicas() {
        String newSecret = (String) admin().post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("authToken");
        refusedOnBothWithinASecond("GET");
        assertThat(status(gatewayA, "GET", "/" + api + "/x", basic(sid, newSecret)))
                .isEqualTo(200);
        assertThat(status(gatewayB, "GET", "/" + api + "/x", basic(sid, newSecret)))
                .isEqualTo(200);
    }

    @Test
    void resetWithGraceKeepsTheOldSecretWorkingOnBothReplicas() {
        String newSecret = (String) admin().post()
                .uri("/v1/accounts/{a}/tokens/{s}/reset", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("graceSeconds", 3600))
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("authToken");
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(status(gatewayA, "GET", "/" + api + "/x", basic(sid, newSecret)))
                    .isEqualTo(200);
            assertThat(status(gatewayB, "GET", "/" + api + "/x", basic(sid, newSecret)))
                    .isEqualTo(200);
        });
        assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(200);
        assertThat(status(gatewayB, "GET", "/" + api + "/x", auth)).isEqualTo(200);
    }

    @Test
    void deletedTokenIsRefusedOnBothReplicas() {
        admin().delete()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isNoContent();
        refusedOnBothWithinASecond("GET");
    }

    @Test
    void removedScopeIsRefusedOnBothReplicas() {
        admin().patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("scopes", List.of(Map.of("api", api, "methods", List.of("GET")))))
                .exchange()
                .expectStatus()
                .isOk();
        refusedOnBothWithinASecond("POST");
        assertThat(status(gatewayA, "GET", "/" + api + "/x", auth)).isEqualTo(200);
    }

    @Test
    void revocationStillHoldsWithinASecondAfterTheListenConnectionsWereDropped() {
        DatabaseClient db = system.admin.getBean(DatabaseClient.class);
        Long dropped = db.sql(
                        "select count(pg_terminate_backend(pid)) from pg_stat_activity where query ilike 'LISTEN scopegate_events%'")
                .map(row -> row.get(0, Long.class))
                .one()
                .block(Duration.ofSeconds(5));
        assertThat(dropped).isGreaterThanOrEqualTo(2);

        tokenAction(account, sid, "disable");
        refusedOnBothWithinASecond("GET");
    }

    @Test
    void catalogChangesRouteWithinASecond() {
        String newApi = unique("api-");
        putApi(newApi, "http://localhost:" + upstream.port(), "GET");
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(status(gatewayA, "GET", "/" + newApi + "/x", null)).isEqualTo(403);
            assertThat(status(gatewayB, "GET", "/" + newApi + "/x", null)).isEqualTo(403);
        });
        admin().delete().uri("/v1/apis/{id}", newApi).exchange().expectStatus().isNoContent();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(status(gatewayA, "GET", "/" + newApi + "/x", null)).isEqualTo(404);
            assertThat(status(gatewayB, "GET", "/" + newApi + "/x", null)).isEqualTo(404);
        });
    }

    /** Enables the account's legacy tokens and returns their secrets by kind. */
    private Map<String, String> legacySecrets() {
        return enableLegacy(account).stream()
                .collect(java.util.stream.Collectors.toMap(
                        t -> (String) t.get("kind"), t -> (String) t.get("authToken")));
    }

    @Test
    void aDisabledLegacyReadWriteTokenIsRefusedOnBothReplicasWhileReadOnlyStillReads() {
        Map<String, String> secrets = legacySecrets();
        String readWrite = basic(account, secrets.get("READ_WRITE"));
        String readOnly = basic(account, secrets.get("READ_ONLY"));
        assertThat(status(gatewayA, "POST", "/" + api + "/x", readWrite)).isEqualTo(200);
        assertThat(status(gatewayB, "POST", "/" + api + "/x", readWrite)).isEqualTo(200);

        admin().post()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write/disable", account)
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(status(gatewayA, "POST", "/" + api + "/x", readWrite)).isEqualTo(403);
            assertThat(status(gatewayB, "POST", "/" + api + "/x", readWrite)).isEqualTo(403);
        });
        assertThat(status(gatewayA, "GET", "/" + api + "/x", readOnly)).isEqualTo(200);
        assertThat(status(gatewayB, "GET", "/" + api + "/x", readOnly)).isEqualTo(200);

        admin().post()
                .uri("/v1/accounts/{a}/legacy-tokens/read-write/enable", account)
                .exchange()
                .expectStatus()
                .isOk();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(status(gatewayA, "POST", "/" + api + "/x", readWrite)).isEqualTo(200);
            assertThat(status(gatewayB, "POST", "/" + api + "/x", readWrite)).isEqualTo(200);
        });
    }

    @Test
    void aDeletedLegacyTokenIsRefusedOnBothReplicas() {
        String readOnly = basic(account, legacySecrets().get("READ_ONLY"));
        assertThat(status(gatewayA, "GET", "/" + api + "/x", readOnly)).isEqualTo(200);
        assertThat(status(gatewayB, "GET", "/" + api + "/x", readOnly)).isEqualTo(200);

        admin().delete()
                .uri("/v1/accounts/{a}/legacy-tokens/read-only", account)
                .exchange()
                .expectStatus()
                .isNoContent();
        await().atMost(WITHIN).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(status(gatewayA, "GET", "/" + api + "/x", readOnly)).isEqualTo(403);
            assertThat(status(gatewayB, "GET", "/" + api + "/x", readOnly)).isEqualTo(403);
        });
    }
}
