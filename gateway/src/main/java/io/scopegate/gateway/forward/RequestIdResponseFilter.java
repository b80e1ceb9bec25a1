package io.scopegate.gateway.forward;

import io.scopegate.gateway.observability.RequestId;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * The client gets one {@code X-Request-Id}, the gateway's: the routing filter adds the upstream's
 * response headers to the response, where the gateway's id already is, so an upstream that sets its
 * own would otherwise give the client two. The upstream received the gateway's id with the request.
 */
@Component
class RequestIdResponseFilter implements HttpHeadersFilter {

    @Override
    public HttpHeaders filter(HttpHeaders upstream, ServerWebExchange exchange) {
        if (!upstream.containsHeader(RequestId.HEADER)) {
            return upstream;
        }
        HttpHeaders headers = HttpHeaders.copyOf(upstream);
        headers.remove(RequestId.HEADER);
        return headers;
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.RESPONSE;
    }
}
