package io.scopegate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.scopegate.gateway.token.Caller;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/** What the upstream sees: the identity the gateway established, never the client's version of it. */
class IdentityHeadersFilterTest {

    private final IdentityHeadersFilter filter = new IdentityHeadersFilter();

    @Test
    @Tag("security")
    void credentialsAndForgedIdentityHeadersAreReplacedInAnyLetterCase() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/campaigns")
                .header(HttpHeaders.AUTHORIZATION, "Basic c2VjcmV0")
                .header("x-scopegate-account", "FORGED")
                .header("X-SCOPEGATE-TOKEN", "FORGED")
                .header("X-Scopegate-Anything", "FORGED")
                .header("x-api-version", "99")
                .header("Accept", "application/json")
                .build());
        exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller("AC1", "ST1", 3, List.of(), null, null, null, null));

        HttpHeaders sent = filter.filter(exchange.getRequest().getHeaders(), exchange);

        assertThat(sent.containsHeader(HttpHeaders.AUTHORIZATION)).isFalse();
        assertThat(sent.containsHeader("X-Scopegate-Anything")).isFalse();
        assertThat(sent.get("X-Scopegate-Account")).containsExactly("AC1");
        assertThat(sent.get("X-Scopegate-Token")).containsExactly("ST1");
        assertThat(sent.get("X-Api-Version")).containsExactly("3");
        assertThat(sent.getFirst("Accept")).isEqualTo("application/json");
        assertThat(sent.containsHeader("X-Request-Id")).isFalse();
        // The client's request itself is left as it came.
        assertThat(exchange.getRequest().getHeaders().getFirst("x-scopegate-account"))
                .isEqualTo("FORGED");
    }

    /** CGI, WSGI and Rack read {@code _} as {@code -}: the upstream would see {@code FORGED,AC1}. */
    @Test
    @Tag("security")
    void namesThatAnUpstreamReadsAsIdentityHeadersAreDroppedToo() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/campaigns")
                .header("X_Scopegate_Account", "FORGED")
                .header("x_scopegate_token", "FORGED")
                .header("X-Scopegate_Anything", "FORGED")
                .header("X_API_VERSION", "7")
                .header("x-api_version", "7")
                .header("X_Request_Id", "FORGED")
                .header("X_Api_Version_Extra", "kept")
                .header("X_Custom", "kept")
                .build());
        exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller("AC1", "ST1", 3, List.of(), null, null, null, null));

        HttpHeaders sent = filter.filter(exchange.getRequest().getHeaders(), exchange);

        assertThat(sent.headerNames())
                .containsExactlyInAnyOrder(
                        "X_Api_Version_Extra", "X_Custom", "X-Scopegate-Account", "X-Scopegate-Token", "X-Api-Version");
        assertThat(sent.get("X-Scopegate-Account")).containsExactly("AC1");
        assertThat(sent.get("X-Api-Version")).containsExactly("3");
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "X-Scopegate-Account",
                "x_scopegate_account",
                "X_SCOPEGATE_ANYTHING",
                "X-Api-Version",
                "x_api_version",
                "X-Request_Id"
            })
    void reservedNamesAreRecognisedInEverySpelling(String name) {
        assertThat(IdentityHeadersFilter.isReserved(name)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"X-Scopegate", "X-Api-Versions", "X_Api_Versio", "Accept", "X-Request-Ids", "Scopegate-Account"})
    void otherNamesAreLeftAlone(String name) {
        assertThat(IdentityHeadersFilter.isReserved(name)).isFalse();
    }

    @Test
    void aRequestWithoutAnAuthenticatedCallerIsNeverForwarded() {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/campaigns").build());
        assertThatIllegalStateException()
                .isThrownBy(() -> filter.filter(exchange.getRequest().getHeaders(), exchange));
    }
}
