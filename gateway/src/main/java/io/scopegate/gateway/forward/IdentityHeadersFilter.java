package io.scopegate.gateway.forward;

import io.scopegate.gateway.observability.RequestId;
import io.scopegate.gateway.token.Caller;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.springframework.cloud.gateway.filter.headers.HttpHeadersFilter;
import org.springframework.core.Ordered;
import org.springframework.http.HttpHeaders;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.netty.http.server.HttpServerRequest;

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
    /** Reactor Netty's request as Spring wraps it (package-private there), or null if this Spring has none. */
    private static final Class<?> SERVER_REQUEST = serverRequestClass();
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
        List<String> forged = forgedNames(exchange.getRequest(), headers);
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

    /**
     * The client's header names that are reserved, or null (nearly always) when none is. Read from the
     * connection's own headers when there are: every name the client sent is there, and walking them
     * costs nothing, where {@link HttpHeaders#headerNames()} first copies every name into a new
     * case-insensitive map (a profile's largest header cost). The filters before this one add no
     * reserved name, so the client's are the only ones to look for.
     */
    private static List<String> forgedNames(ServerHttpRequest request, HttpHeaders headers) {
        List<String> forged = null;
        for (Iterator<? extends CharSequence> names = clientHeaderNames(request, headers); names.hasNext(); ) {
            CharSequence name = names.next();
            if (isReserved(name)) {
                forged = forged == null ? new ArrayList<>(2) : forged;
                forged.add(name.toString());
            }
        }
        return forged;
    }

    private static Iterator<? extends CharSequence> clientHeaderNames(ServerHttpRequest request, HttpHeaders headers) {
        // Only the server's own request: one changed with exchange.mutate() (a route's header filter, say)
        // may carry names a filter added, which the connection's headers do not have.
        if (request.getClass() == SERVER_REQUEST && nativeRequest(request) instanceof HttpServerRequest connection) {
            Iterator<Map.Entry<CharSequence, CharSequence>> entries =
                    connection.requestHeaders().iteratorCharSequence();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return entries.hasNext();
                }

                @Override
                public CharSequence next() {
                    return entries.next().getKey();
                }
            };
        }
        return headers.headerNames().iterator();
    }

    private static Class<?> serverRequestClass() {
        try {
            return Class.forName("org.springframework.http.server.reactive.ReactorServerHttpRequest");
        } catch (ClassNotFoundException renamed) {
            return null; // then every request takes headerNames(): slower, never less safe
        }
    }

    /** The server's own request object, or null for one without (a test's mock request). */
    private static Object nativeRequest(ServerHttpRequest request) {
        try {
            return ServerHttpRequestDecorator.getNativeRequest(request);
        } catch (IllegalStateException | IllegalArgumentException noServer) {
            return null;
        }
    }

    /** Whether an upstream that reads {@code _} as {@code -} would take this name for one the gateway sets. */
    static boolean isReserved(CharSequence name) {
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
    private static boolean sameAs(CharSequence name, String lowerCase, int length) {
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
