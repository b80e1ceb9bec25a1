package io.scopegate.gateway.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.scopegate.gateway.token.Caller;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

/** What the upstream sees: the identity the gateway established, never the client's version of it. */
class IdentityHeadersFilterTest {

    private final IdentityHeadersFilter filter = new IdentityHeadersFilter();

    @Test
    void credentialsAndForgedIdentityHeadersAreReplacedInAnyLetterCase() {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get("/campaigns")
                .header(HttpHeaders.AUTHORIZATION, "Basic c2VjcmV0")
                .header("x-scopegate-account", "FORGED")
                .header("X-SCOPEGATE-TOKEN", "FORGED")
                .header("X-Scopegate-Anything", "FORGED")
                .header("x-api-version", "99")
                .header("Accept", "application/json")
                .build());
        exchange.getAttributes().put(Caller.ATTRIBUTE, new Caller("AC1", "ST1", 3, List.of(), null, null));

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

    @Test
    void aRequestWithoutAnAuthenticatedCallerIsNeverForwarded() {
        MockServerWebExchange exchange = MockServerWebExchange.from(
                MockServerHttpRequest.get("/campaigns").build());
        assertThatIllegalStateException()
                .isThrownBy(() -> filter.filter(exchange.getRequest().getHeaders(), exchange));
    }
}
