package io.scopegate.admin.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

/**
 * Cross-site request forgery against the Basic-auth REST API: a browser holding an admin's credentials
 * sends them with another site's form or text/plain fetch. Such requests change nothing; API clients
 * (no Origin, no Fetch Metadata) and the server's own pages are unaffected.
 */
class CrossSiteRequestTest extends AdminApiTest {

    @Value("${local.server.port}")
    int port;

    private int disable(String account, String sid, Consumer<HttpHeaders> headers, String body) {
        var request = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                .headers(headers);
        var response =
                body == null ? request.exchange() : request.bodyValue(body).exchange();
        return response.returnResult(String.class).getStatus().value();
    }

    private String state(String sid) {
        return db.sql("select state from tokens where sid = $1")
                .bind(0, sid)
                .map(row -> row.get(0, String.class))
                .one()
                .block(java.time.Duration.ofSeconds(5));
    }

    @Test
    void formsTextAndOtherSitesCannotDisableATokenButApiClientsAndTheServersOwnPagesCan() {
        String account = newAccount();
        String sid = (String) createToken(account, "Target", newApi(), "GET").get("sid");

        assertThat(disable(account, sid, h -> h.setContentType(MediaType.TEXT_PLAIN), "x"))
                .isEqualTo(415);
        assertThat(disable(account, sid, h -> h.setContentType(MediaType.APPLICATION_FORM_URLENCODED), "a=b"))
                .isEqualTo(415);
        assertThat(disable(account, sid, h -> h.setContentType(MediaType.MULTIPART_FORM_DATA), "--x--"))
                .isEqualTo(415);
        assertThat(disable(account, sid, h -> h.set(HttpHeaders.ORIGIN, "https://evil.example"), null))
                .isEqualTo(403);
        assertThat(disable(account, sid, h -> h.set(HttpHeaders.ORIGIN, "null"), null))
                .isEqualTo(403);
        assertThat(disable(account, sid, h -> h.set("Sec-Fetch-Site", "cross-site"), null))
                .isEqualTo(403);
        assertThat(disable(account, sid, h -> h.set("Sec-Fetch-Site", "same-site"), null))
                .isEqualTo(403);
        assertThat(state(sid)).as("nothing changed").isEqualTo("ENABLED");
        assertThat(count("select count(*) from audit_events where token_sid = $1 and action = 'TOKEN_DISABLED'", sid))
                .isZero();

        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                .header(HttpHeaders.ORIGIN, "https://evil.example")
                .exchange()
                .expectStatus()
                .isForbidden()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.type")
                .value(type -> assertThat(type.toString()).endsWith("cross-site"));

        assertThat(disable(
                        account,
                        sid,
                        h -> {
                            h.set(HttpHeaders.ORIGIN, "http://localhost:" + port);
                            h.set("Sec-Fetch-Site", "same-origin");
                        },
                        null))
                .as("the server's own page")
                .isEqualTo(200);
        assertThat(disable(account, sid, h -> {}, null)).as("curl").isEqualTo(200);
        assertThat(state(sid)).isEqualTo("DISABLED");
    }

    @Test
    void readsFromAnotherOriginAreServedBrowsersKeepTheAnswerFromThatSite() {
        operator()
                .get()
                .uri("/v1/apis")
                .header(HttpHeaders.ORIGIN, "https://evil.example")
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .doesNotExist("Access-Control-Allow-Origin");
    }

    private org.springframework.test.web.reactive.server.WebTestClient raw() {
        // Without the OpenAPI conformance check: these requests are refused before any documented operation.
        return org.springframework.test.web.reactive.server.WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(java.time.Duration.ofSeconds(30))
                .defaultHeaders(h -> h.setBasicAuth("admin", OPERATOR_PASSWORD))
                .build();
    }

    @Test
    void anEncodedLetterInThePathDoesNotSlipPastTheCrossSiteCheck() {
        String account = newAccount();
        String sid = (String) createToken(account, "Encoded", newApi(), "GET").get("sid");
        int status = raw().post()
                .uri(java.net.URI.create(
                        "http://localhost:" + port + "/%761/accounts/" + account + "/tokens/" + sid + "/disable"))
                .header(HttpHeaders.ORIGIN, "https://evil.example")
                .exchange()
                .returnResult(String.class)
                .getStatus()
                .value();
        assertThat(status).isIn(400, 403, 404);
        assertThat(state(sid)).isEqualTo("ENABLED");
    }

    @Test
    void errorsRaisedBeforeAnyControllerAreProblemJson() {
        raw().get()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", newAccount(), "ST0000")
                .exchange()
                .expectStatus()
                .isEqualTo(405)
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
        raw().get()
                .uri(java.net.URI.create("http://localhost:" + port + "/v1;x/apis"))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentType(MediaType.APPLICATION_PROBLEM_JSON);
    }
}
