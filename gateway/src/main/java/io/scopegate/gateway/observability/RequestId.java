package io.scopegate.gateway.observability;

import java.util.concurrent.ThreadLocalRandom;
import org.springframework.web.server.ServerWebExchange;

/**
 * The {@code X-Request-Id} of a request: the client's (or the load balancer's) when it is a sane
 * token, else a new one. Returned on every response and sent to the upstream, so one id follows a
 * request through the proxy, the gateway's access log and the upstream's logs.
 */
public final class RequestId {

    public static final String HEADER = "X-Request-Id";
    private static final String ATTRIBUTE = RequestId.class.getName();
    private static final int MAX_LENGTH = 128;

    private RequestId() {}

    /** Reads or makes the id, keeps it on the exchange and puts it on the response. */
    public static String assign(ServerWebExchange exchange) {
        String offered = exchange.getRequest().getHeaders().getFirst(HEADER);
        String id = isSane(offered) ? offered : generate();
        exchange.getAttributes().put(ATTRIBUTE, id);
        exchange.getResponse().getHeaders().set(HEADER, id);
        return id;
    }

    /** The id assigned to this exchange, or null before the entry filter ran. */
    public static String of(ServerWebExchange exchange) {
        return exchange.getAttribute(ATTRIBUTE);
    }

    /**
     * Letters, digits and {@code - _ . : /} only: the id goes into logs and headers unescaped, so
     * anything else (spaces, quotes, control bytes) is replaced rather than passed on.
     */
    static boolean isSane(String candidate) {
        if (candidate == null || candidate.isEmpty() || candidate.length() > MAX_LENGTH) {
            return false;
        }
        for (int i = 0; i < candidate.length(); i++) {
            char c = candidate.charAt(i);
            boolean allowed = (c >= 'a' && c <= 'z')
                    || (c >= 'A' && c <= 'Z')
                    || (c >= '0' && c <= '9')
                    || c == '-'
                    || c == '_'
                    || c == '.'
                    || c == ':'
                    || c == '/';
            if (!allowed) {
                return false;
            }
        }
        return true;
    }

    /** 128 random bits as 32 hex digits; not a secret, so no SecureRandom on the request path. */
    static String generate() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return hex(random.nextLong()) + hex(random.nextLong());
    }

    private static String hex(long value) {
        String digits = Long.toHexString(value);
        return "0".repeat(16 - digits.length()) + digits;
    }
}
