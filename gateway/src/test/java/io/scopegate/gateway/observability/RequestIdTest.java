package io.scopegate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

class RequestIdTest {

    private static MockServerWebExchange exchange(String... offered) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.get("/campaigns");
        if (offered.length > 0) {
            request.header(RequestId.HEADER, offered);
        }
        return MockServerWebExchange.from(request.build());
    }

    @Test
    void aSaneIdFromTheClientIsKeptAndReturned() {
        MockServerWebExchange exchange = exchange("lb-7f3a:01/abc.def_9");
        assertThat(RequestId.assign(exchange)).isEqualTo("lb-7f3a:01/abc.def_9");
        assertThat(RequestId.of(exchange)).isEqualTo("lb-7f3a:01/abc.def_9");
        assertThat(exchange.getResponse().getHeaders().getFirst(RequestId.HEADER))
                .isEqualTo("lb-7f3a:01/abc.def_9");
    }

    @Test
    void withoutOneOrWithAnUnsafeOneANewIdIsMade() {
        for (String unsafe : new String[] {"a b", "x\"y", "id\u0000", "é", "x".repeat(129), ""}) {
            MockServerWebExchange exchange = exchange(unsafe);
            String id = RequestId.assign(exchange);
            assertThat(id).matches("[0-9a-f]{32}");
            assertThat(exchange.getResponse().getHeaders().getFirst(RequestId.HEADER))
                    .isEqualTo(id);
        }
        assertThat(RequestId.assign(exchange())).matches("[0-9a-f]{32}").isNotEqualTo(RequestId.assign(exchange()));
    }
}
