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
 * <p>
 * A forged header is recognised the way the upstream's server would read it, not only by its exact
 * name: CGI, WSGI and Rack servers turn {@code X_Scopegate_Account} into the same variable as
 * {@code X-Scopegate-Account} (and join the values), so any name that equals a header the gateway
 * sets, with {@code _} read as {@code -} and in any letter case, is dropped too.
 */
@Component
class IdentityHeadersFilter implements HttpHeadersFilter, Ordered {

    static final String ACCOUNT = "X-Scopegate-Account";
    static final String TOKEN = "X-Scopegate-Token";
    static final String API_VERSION = "X-Api-Version";
    private static final String RESERVED_PREFIX = "x-scopegate-";
    /** Headers the gateway sets whole; everything under {@link #RESERVED_PREFIX} is reserved too. */
    private static final List<String> RESERVED_NAMES = List.of("x-api-version", "x-request-id");

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
        List<String> forged = null;
        for (String name : headers.headerNames()) {
            if (isReserved(name)) {
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

    /** Whether an upstream that reads {@code _} as {@code -} would take this name for one the gateway sets. */
    static boolean isReserved(String name) {
        if (sameAs(name, RESERVED_PREFIX, RESERVED_PREFIX.length())) {
            return true;
        }
        for (String reserved : RESERVED_NAMES) {
            if (name.length() == reserved.length() && sameAs(name, reserved, reserved.length())) {
                return true;
            }
        }
        return false;
    }

    /** The first {@code length} characters of {@code name} equal {@code lowerCase}'s, ignoring case, {@code _} as {@code -}. */
    private static boolean sameAs(String name, String lowerCase, int length) {
        if (name.length() < length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            char folded = c == '_' ? '-' : (c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c);
            if (folded != lowerCase.charAt(i)) {
                return false;
            }
        }
        return true;
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
