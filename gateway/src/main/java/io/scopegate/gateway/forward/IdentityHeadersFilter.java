package io.scopegate.gateway.forward;

import io.scopegate.gateway.observability.RequestId;
import io.scopegate.gateway.token.Caller;
import java.util.ArrayList;
import java.util.List;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;

/**
 * What the upstream learns: never the client's credentials, never identity headers the client made
 * up; only the account, token and API version the gateway established.
 * <p>
 * A header filter of the routing filter rather than a route filter that mutates the request: the
 * routing filter builds the outgoing headers through these filters anyway, so this edits that set
 * in place instead of copying the whole request (profiling showed the copy; bench/RESULTS.md).
 * Ordered last, so nothing that runs after it can add a header back.
 */
@Component
class IdentityHeadersFilter implements HttpHeadersFilter, Ordered {

    static final String ACCOUNT = "X-Scopegate-Account";
    static final String TOKEN = "X-Scopegate-Token";
    static final String API_VERSION = "X-Api-Version";
    private static final String RESERVED_PREFIX = "X-Scopegate-";

    @Override
    public HttpHeaders filter(HttpHeaders input, ServerWebExchange exchange) {
        Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
        if (caller == null) {
            // Only a request that passed the access check is routed; anything else is a broken order.
            throw new IllegalStateException("request routed without an authenticated caller");
        }
        // The earlier filters hand over a fresh copy; the request's own headers are read-only.
        HttpHeaders headers = input == exchange.getRequest().getHeaders() ? HttpHeaders.copyOf(input) : input;
        headers.remove(HttpHeaders.AUTHORIZATION);
        headers.remove(API_VERSION);
        List<String> forged = null;
        for (String name : headers.headerNames()) {
            if (name.regionMatches(true, 0, RESERVED_PREFIX, 0, RESERVED_PREFIX.length())) {
                forged = forged == null ? new ArrayList<>(2) : forged;
                forged.add(name);
            }
        }
        if (forged != null) {
            forged.forEach(headers::remove);
        }
        headers.set(ACCOUNT, caller.accountSid());
        headers.set(TOKEN, caller.tokenId());
        headers.set(API_VERSION, Integer.toString(caller.apiVersion()));
        // The id the client saw: the client's own if it was sane, else the one the gateway made.
        String requestId = RequestId.of(exchange);
        if (requestId != null) {
            headers.set(RequestId.HEADER, requestId);
        }
        return headers;
    }

    @Override
    public boolean supports(Type type) {
        return type == Type.REQUEST;
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
