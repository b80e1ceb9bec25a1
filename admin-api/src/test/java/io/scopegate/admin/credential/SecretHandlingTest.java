package io.scopegate.admin.credential;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.json.JsonMapper;

/**
 * Secrets appear in exactly one place: the response that issues or reveals them. Not in logs (here
 * at TRACE for the web layer, which prints every request and response object), not in audit
 * details, not in the store in plain text.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(
        properties = {
            "logging.level.org.springframework.web=TRACE",
            "logging.level.org.springframework.http=TRACE",
            "logging.level.org.springframework.security=DEBUG",
            "logging.level.org.springframework.r2dbc=DEBUG",
            "logging.level.io.scopegate=DEBUG"
        })
class SecretHandlingTest extends AdminApiTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Test
    @SuppressWarnings("unchecked")
    void secretsNeverReachLogsAuditDetailsOrTheStoreInPlainText(CapturedOutput output) {
        String account = newAccount();
        String api = newApi();
        List<String> secrets = new ArrayList<>();
        String tokens = "/v1/accounts/" + account + "/tokens";
        Map<String, Object> token = send(
                "POST",
                tokens,
                "admin:" + OPERATOR_PASSWORD,
                Map.of("name", "Leaky?", "scopes", List.of(Map.of("api", api, "methods", List.of("GET")))));
        String sid = (String) token.get("sid");
        secrets.add((String) token.get("authToken"));
        secrets.add((String)
                send("POST", tokens + "/" + sid + "/reset", "admin:" + OPERATOR_PASSWORD, Map.of("graceSeconds", 60))
                        .get("authToken"));
        secrets.add((String) send("POST", tokens + "/" + sid + "/duplicate", "admin:" + OPERATOR_PASSWORD, Map.of())
                .get("authToken"));
        secrets.add((String) send("GET", tokens + "/" + sid + "/credentials", "admin:" + OPERATOR_PASSWORD, null)
                .get("authToken"));
        Map<String, Object> legacy = send(
                "POST", "/v1/accounts/" + account + "/legacy-tokens/enable", "admin:" + OPERATOR_PASSWORD, Map.of());
        ((List<Map<String, Object>>) legacy.get("tokens")).forEach(t -> secrets.add((String) t.get("authToken")));
        secrets.add((String) send(
                        "POST",
                        "/v1/accounts/" + account + "/legacy-tokens/read-write/reset",
                        "admin:" + OPERATOR_PASSWORD,
                        Map.of())
                .get("authToken"));
        assertThat(send("GET", "/v1/apis", "admin:" + secrets.get(0), null)).containsEntry("status", 401);

        assertThat(secrets).hasSize(7).doesNotContainNull();
        assertThat(output.getAll())
                .as("sanity: the web layer did log the exchanges")
                .contains(sid);
        String stored = everythingStoredAbout(account);
        for (String secret : secrets) {
            assertThat(output.getAll()).doesNotContain(secret);
            assertThat(stored)
                    .doesNotContain(secret)
                    .doesNotContain(HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8)));
        }
        assertThat(stored).contains(sid);
    }

    @Test
    void theStoreKeepsTheKeyedHashOfTheSecret() {
        String account = newAccount();
        Map<String, Object> token = createToken(account, "Hashed", newApi(), "GET");
        byte[] stored = db.sql("select secret_hash from tokens where sid = :sid")
                .bind("sid", token.get("sid"))
                .map((row, meta) -> row.get(0, byte[].class))
                .one()
                .block(Duration.ofSeconds(5));
        assertThat(stored).isEqualTo(hasher.hash((String) token.get("authToken")));
    }

    /**
     * Calls the API with the JDK's HTTP client, so the only Spring codecs that log in this JVM are the
     * server's: what the output holds is what the service logged.
     */
    @SuppressWarnings("unchecked")
    private Map<String, Object> send(String method, String path, String basic, Map<String, ?> body) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                    .header(
                            "Authorization",
                            "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)))
                    .header("Content-Type", "application/json")
                    .timeout(Duration.ofSeconds(30))
                    .method(
                            method,
                            body == null
                                    ? HttpRequest.BodyPublishers.noBody()
                                    : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            HttpResponse<String> response =
                    HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            return JSON.readValue(response.body(), Map.class);
        } catch (java.io.IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Every row of the account's tokens, legacy tokens, audit and events, as PostgreSQL renders them. */
    private String everythingStoredAbout(String account) {
        return db.sql("""
                select concat_ws(E'\\n',
                    (select string_agg(t::text, E'\\n') from tokens t where account_sid = :a),
                    (select string_agg(l::text, E'\\n') from legacy_tokens l where account_sid = :a),
                    (select string_agg(e::text, E'\\n') from audit_events e where account_sid = :a),
                    (select string_agg(v::text, E'\\n') from token_events v where account_sid = :a))
                """)
                .bind("a", account)
                .map((row, meta) -> row.get(0, String.class))
                .one()
                .block(Duration.ofSeconds(5));
    }
}
