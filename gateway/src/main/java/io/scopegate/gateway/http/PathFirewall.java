package io.scopegate.gateway.http;

import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.server.ServerWebExchange;

/**
 * Whether a request is in normal form: a method of the usual seven, and a path without dot segments,
 * {@code //}, encoded {@code /}, {@code .} or {@code %}, {@code ;}, backslash, NUL, CR, LF or an
 * encoded line or paragraph separator. Matching then sees exactly the path the upstream will see, so a
 * request scoped to one API cannot be steered into another.
 * <p>
 * One pass over the raw path, written here rather than calling Spring Security's
 * {@code StrictServerWebExchangeFirewall} per request (≈4 µs a request in profiling, bench/RESULTS.md:
 * a dozen {@code contains} over three forms of the path, a decoded copy of it, and a response-header
 * check registered with {@code beforeCommit}). It refuses at least everything that firewall's default
 * configuration refuses, which a differential test ({@code PathFirewallTest}) checks over a generated
 * corpus; where it is stricter, that test lists the cases. Why one pass over the raw path is enough:
 * the firewall looks at {@code getPath().value()} and {@code getURI().getRawPath()}, which are the
 * same string for a request from the server, and at {@code getURI().getPath()}, the raw path with its
 * escapes decoded as UTF-8: every character that decoding produces from an escape is judged here at
 * the escape, and the others are the raw path's own.
 * <p>
 * What the firewall checked and this does not: the host, against a predicate that accepts every host
 * unless configured (Scopegate never configured one); the query (only through its decorator, which
 * the gateway never used); response header values for CR and LF, which Netty's header validation
 * refuses already (Reactor Netty's default {@code validateHeaders}).
 */
final class PathFirewall {

    /** The firewall's default allowed methods; anything else (TRACE, CONNECT, made-up ones) is refused. */
    private static final Set<HttpMethod> METHODS = Set.of(
            HttpMethod.DELETE,
            HttpMethod.GET,
            HttpMethod.HEAD,
            HttpMethod.OPTIONS,
            HttpMethod.PATCH,
            HttpMethod.POST,
            HttpMethod.PUT);

    boolean isNormal(ServerWebExchange exchange) {
        ServerHttpRequest request = exchange.getRequest();
        return METHODS.contains(request.getMethod())
                && isNormalPath(request.getPath().value());
    }

    /**
     * The raw (still percent-encoded) path in normal form. Stricter than the firewall in three ways,
     * none of them reachable by a well-formed request: any character outside printable ASCII (clients
     * encode them; the firewall refused only some), a malformed escape (the server's URI parser
     * refuses those before this runs), and any escaped control character (the firewall refused
     * {@code %00}, {@code %0a} and {@code %0d} only).
     */
    static boolean isNormalPath(String path) {
        int length = path.length();
        int segmentStart = 0;
        for (int i = 0; i < length; i++) {
            char c = path.charAt(i);
            if (c == '/') {
                if (isDotSegment(path, segmentStart, i) || (i + 1 < length && path.charAt(i + 1) == '/')) {
                    return false;
                }
                segmentStart = i + 1;
            } else if (c == '%') {
                if (!isHarmlessEscape(path, i)) {
                    return false;
                }
                i += 2;
            } else if (c <= ' ' || c > '~' || c == ';' || c == '\\') {
                return false;
            }
        }
        return !isDotSegment(path, segmentStart, length);
    }

    /** {@code .} or {@code ..} between two slashes (or the path's ends). */
    private static boolean isDotSegment(String path, int start, int end) {
        int length = end - start;
        return (length == 1 && path.charAt(start) == '.')
                || (length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.');
    }

    /**
     * An escape whose byte cannot change the path's structure or hide a control character. The line
     * and paragraph separators (U+2028, U+2029) are the only characters beyond ASCII that the firewall
     * refuses once decoded; in UTF-8 they are {@code E2 80 A8} and {@code E2 80 A9}.
     */
    private static boolean isHarmlessEscape(String path, int at) {
        int value = escapedByte(path, at);
        if (value < 0x20 || value == 0x7f) {
            return false; // malformed (-1), NUL, CR, LF and the other controls
        }
        return switch (value) {
            case '%', '.', '/', ';', '\\' -> false;
            case 0xe2 -> escapedByte(path, at + 3) != 0x80 || (escapedByte(path, at + 6) & ~1) != 0xa8;
            default -> true;
        };
    }

    /** The byte of the escape at {@code at}, or -1 when there is no well-formed escape there. */
    private static int escapedByte(String path, int at) {
        if (at + 2 >= path.length() || path.charAt(at) != '%') {
            return -1;
        }
        int high = hexDigit(path.charAt(at + 1));
        int low = hexDigit(path.charAt(at + 2));
        return high < 0 || low < 0 ? -1 : high << 4 | low;
    }

    /** ASCII hex digits only: {@code Character.digit} would also take other scripts' digits. */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        char lower = (char) (c | 0x20);
        return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
    }
}
