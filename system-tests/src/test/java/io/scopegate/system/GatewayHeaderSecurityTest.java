package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Security review, issue 14, finding 2: identity headers forged with underscores. CGI, WSGI and Rack
 * servers read {@code X_Scopegate_Account} as {@code X-Scopegate-Account} and join the values, so an
 * upstream behind them saw {@code DEMO,<real account>}. Through real HTTP, what reaches the upstream.
 */
@Tag("security")
class GatewayHeaderSecurityTest extends SystemTest {

    @Test
    void identityHeadersForgedWithUnderscoresNeverReachTheUpstream() {
        String account = newAccount();
        String api = newApi("GET");
        Map<String, Object> token = createToken(account, api, "GET");
        String authorization = basic((String) token.get("sid"), (String) token.get("authToken"));
        // The harness's upstream timeout is 2 s: a cold first call may miss it when this class runs first.
        await().atMost(Duration.ofSeconds(30))
                .until(() -> status(gatewayA, "GET", "/" + api + "/warm", authorization) == 200);

        gatewayA.client()
                .get()
                .uri("/" + api + "/underscores")
                .header("Authorization", authorization)
                .header("X_Scopegate_Account", "DEMO")
                .header("x_scopegate_token", "ST00000000000000000000000000000000")
                .header("X-Scopegate_Account", "DEMO")
                .header("X_SCOPEGATE_ANYTHING", "forged")
                .header("X_Api_Version", "7")
                .header("x-api_version", "7")
                .header("X_Request_Id", "forged")
                .header("X_Custom_Header", "kept")
                .exchange()
                .expectStatus()
                .isOk();

        List<LoggedRequest> received = upstream.findAll(getRequestedFor(urlEqualTo("/" + api + "/underscores")));
        assertThat(received).hasSize(1);
        List<String> names =
                received.get(0).getHeaders().all().stream().map(HttpHeader::key).toList();
        // What a CGI server would make of each name: none may collide with what the gateway sets.
        assertThat(names.stream().map(name -> name.replace('_', '-').toLowerCase()))
                .filteredOn(name ->
                        name.startsWith("x-scopegate-") || name.equals("x-api-version") || name.equals("x-request-id"))
                .containsExactlyInAnyOrder("x-scopegate-account", "x-scopegate-token", "x-api-version", "x-request-id");
        assertThat(names).contains("X_Custom_Header").doesNotContain("X_Scopegate_Account", "X_Api_Version");
        assertThat(received.get(0).getHeaders().getHeader("X-Scopegate-Account").values())
                .containsExactly(account);
        assertThat(received.get(0).getHeaders().getHeader("X-Api-Version").values())
                .containsExactly(String.valueOf(token.get("apiVersion")));
    }
}
