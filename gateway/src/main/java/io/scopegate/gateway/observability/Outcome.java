package io.scopegate.gateway.observability;

import org.springframework.web.server.ServerWebExchange;

/**
 * The {@code outcome} tag of a request: {@code allowed} or why it was not. A fixed vocabulary, so the
 * tag stays bounded whatever clients send. Filters set it on the exchange; the metrics filter reads it.
 */
public final class Outcome {

    public static final String ALLOWED = "allowed";
    public static final String UNAUTHENTICATED = "unauthenticated";
    public static final String DISABLED = "disabled";
    public static final String EXPIRED = "expired";
    public static final String IP_NOT_ALLOWED = "ip_not_allowed";
    public static final String OUT_OF_SCOPE = "out_of_scope";
    public static final String RATE_LIMITED = "rate_limited";
    /** The token's quota for the day or the month is used up (429 quota-exceeded). */
    public static final String QUOTA_EXCEEDED = "quota_exceeded";

    public static final String THROTTLED = "throttled";
    public static final String STORE_UNAVAILABLE = "store_unavailable";
    public static final String METHOD_OVERRIDE = "method_override";
    public static final String WEBSOCKET_REFUSED = "websocket_refused";
    public static final String CERTIFICATE_REFUSED = "certificate_refused";
    public static final String TLS_REQUIRED = "tls_required";
    public static final String BAD_PATH = "bad_path";
    public static final String NO_ROUTE = "no_route";
    public static final String UPSTREAM_ERROR = "upstream_error";
    public static final String UPSTREAM_TIMEOUT = "upstream_timeout";
    public static final String ERROR = "error";
    public static final String CANCELLED = "cancelled";

    private static final String ATTRIBUTE = Outcome.class.getName();

    private Outcome() {}

    public static void set(ServerWebExchange exchange, String outcome) {
        exchange.getAttributes().put(ATTRIBUTE, outcome);
    }

    public static String of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }
}
