package io.scopegate.gateway.http;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * How the gateway words a refusal: problem+json bodies, fixed texts. Writing only: the filter that
 * decides also records the outcome. Every refusal before the scope check is the
 * same 403 to the byte, whatever the cause (missing, malformed, unknown, wrong secret, disabled,
 * deleted, expired, address not allowed), so a caller learns nothing about which it was.
 */
public final class Rejections {

    static final byte[] ACCESS_DENIED = problem(
            403,
            "access-denied",
            "Access Denied",
            "The request's credentials are missing, invalid or not allowed here");
    private static final byte[] WEBSOCKET_REFUSED =
            problem(403, "access-denied", "Access Denied", "This API does not accept WebSocket connections");
    private static final byte[] CERTIFICATE_REFUSED = problem(
            403,
            "access-denied",
            "Access Denied",
            "This call needs the client certificate bound to the token, presented over the gateway's own TLS");
    private static final byte[] TLS_REQUIRED = problem(
            403,
            "tls-required",
            "HTTPS Required",
            "This gateway accepts requests over HTTPS only. Credentials sent over plain HTTP may have been"
                    + " seen by others: reset the token's secret");
    private static final byte[] UNAVAILABLE = problem(
            503, "unavailable", "Service Unavailable", "Credentials cannot be checked right now; retry shortly");

    private Rejections() {}

    public static Mono<Void> accessDenied(ServerWebExchange exchange) {
        return write(exchange, HttpStatus.FORBIDDEN, ACCESS_DENIED);
    }

    /** After authentication the caller may learn which scope it lacks, e.g. {@code campaigns:POST}. */
    public static Mono<Void> outOfScope(ServerWebExchange exchange, String missingScope) {
        return write(
                exchange,
                HttpStatus.FORBIDDEN,
                problem(403, "access-denied", "Access Denied", "The token lacks the scope " + missingScope));
    }

    /** The caller is known (its secret was right), so it may learn that the certificate is what is missing. */
    public static Mono<Void> certificateRefused(ServerWebExchange exchange) {
        return write(exchange, HttpStatus.FORBIDDEN, CERTIFICATE_REFUSED);
    }

    /** A request that did not come over TLS, refused before its credentials are read. */
    public static Mono<Void> tlsRequired(ServerWebExchange exchange) {
        return write(exchange, HttpStatus.FORBIDDEN, TLS_REQUIRED);
    }

    /** A WebSocket upgrade to an API that has not opted in: the caller is known, so it may learn why. */
    public static Mono<Void> webSocketRefused(ServerWebExchange exchange) {
        return write(exchange, HttpStatus.FORBIDDEN, WEBSOCKET_REFUSED);
    }

    public static Mono<Void> tooManyRequests(ServerWebExchange exchange, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        exchange.getResponse().getHeaders().set("Retry-After", Long.toString(seconds));
        return write(
                exchange,
                HttpStatus.TOO_MANY_REQUESTS,
                problem(429, "too-many-requests", "Too Many Requests", "Retry after " + seconds + " s"));
    }

    /**
     * A token's quota for the UTC day or month is used up: 429 like the rate, but its own problem type,
     * as waiting a second does not help; {@code Retry-After} is when the period ends.
     */
    public static Mono<Void> quotaExceeded(ServerWebExchange exchange, Duration retryAfter) {
        long seconds = Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        exchange.getResponse().getHeaders().set("Retry-After", Long.toString(seconds));
        return write(
                exchange,
                HttpStatus.TOO_MANY_REQUESTS,
                problem(
                        429,
                        "quota-exceeded",
                        "Quota Exceeded",
                        "The token's request quota is used up; it renews in " + seconds + " s"));
    }

    public static Mono<Void> unavailable(ServerWebExchange exchange) {
        exchange.getResponse().getHeaders().set("Retry-After", "1");
        return write(exchange, HttpStatus.SERVICE_UNAVAILABLE, UNAVAILABLE);
    }

    public static Mono<Void> badRequest(ServerWebExchange exchange, String detail) {
        return write(exchange, HttpStatus.BAD_REQUEST, problem(400, "bad-request", "Bad Request", detail));
    }

    static Mono<Void> write(ServerWebExchange exchange, HttpStatus status, byte[] body) {
        ServerHttpResponse response = exchange.getResponse();
        response.setStatusCode(status);
        response.getHeaders().setContentType(MediaType.APPLICATION_PROBLEM_JSON);
        response.getHeaders().setContentLength(body.length);
        DataBuffer buffer = response.bufferFactory().wrap(body);
        return response.writeWith(Mono.just(buffer));
    }

    /** Details are our own fixed texts plus API ids and method names, which need no escaping. */
    static byte[] problem(int status, String type, String title, String detail) {
        return ("{\"type\":\"urn:scopegate:problem:" + type + "\",\"title\":\"" + title + "\",\"status\":" + status
                        + ",\"detail\":\"" + detail + "\"}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
