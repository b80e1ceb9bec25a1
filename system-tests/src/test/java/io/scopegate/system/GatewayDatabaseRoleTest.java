package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;

/** The least-privilege role of docs/schema.md for the gateway is enough to route, authenticate, sync and record usage. */
class GatewayDatabaseRoleTest extends SystemTest {

    @Test
    void aGatewayRunsWithTheDocumentedGrantsOnly() {
        DatabaseClient db = system.admin.getBean(DatabaseClient.class);
        for (String statement : new String[] {
            "do $$ begin if not exists (select from pg_roles where rolname = 'scopegate_gateway') then "
                    + "create role scopegate_gateway login password 'gateway-role-password'; end if; end $$",
            "grant select on apis, tokens, token_scopes, legacy_tokens, token_events to scopegate_gateway",
            "grant select, insert, update on token_usage_daily, token_denials_recent to scopegate_gateway",
            "grant update (last_used_at) on tokens, legacy_tokens to scopegate_gateway",
            "grant select, insert on usage_batches to scopegate_gateway",
            "grant select, insert, update on gateway_instances to scopegate_gateway"
        }) {
            db.sql(statement).then().block(Duration.ofSeconds(5));
        }
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        String sid = (String) token.get("sid");
        java.util.function.Supplier<Long> heartbeats = () -> db.sql("select count(*) from gateway_instances")
                .map(row -> row.get(0, Long.class))
                .one()
                .block(Duration.ofSeconds(5));
        long before = heartbeats.get();
        try (RunningGateway gateway = system.startGateway(Map.of(
                "spring.r2dbc.username", "scopegate_gateway",
                "spring.r2dbc.password", "gateway-role-password"))) {
            awaitReady(gateway);
            assertThat(status(gateway, "GET", "/" + api + "/x", basic(sid, (String) token.get("authToken"))))
                    .isEqualTo(200);
            tokenAction(account, sid, "disable");
            await().atMost(Duration.ofSeconds(1))
                    .until(() -> status(gateway, "GET", "/" + api + "/x", basic(sid, (String) token.get("authToken")))
                            == 403);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> admin().get()
                            .uri("/v1/accounts/{a}/tokens/{s}/usage?days=1", account, sid)
                            .exchange()
                            .expectBody()
                            .jsonPath("$.requests")
                            .isEqualTo(2)
                            .jsonPath("$.lastUsedAt")
                            .isNotEmpty());
            // Its heartbeat too, which retention relies on to keep the events it has not applied.
            await().atMost(Duration.ofSeconds(15)).until(() -> heartbeats.get() > before);
            Long connections = db.sql("select count(*) from pg_stat_activity where usename = 'scopegate_gateway'")
                    .map(row -> row.get(0, Long.class))
                    .one()
                    .block(Duration.ofSeconds(5));
            assertThat(connections)
                    .as("the gateway is connected as the restricted role")
                    .isPositive();
        }
    }
}
