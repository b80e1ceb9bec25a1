package io.scopegate.gateway.http;

import io.scopegate.gateway.observability.Outcome;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.web.server.ResponseStatusException;

/** How an error that escaped the filters is answered and counted. */
final class Failures {

    private Failures() {}

    static HttpStatus status(Throwable error) {
        if (error instanceof ResponseStatusException status) {
            HttpStatus resolved = HttpStatus.resolve(status.getStatusCode().value());
            return resolved == null ? HttpStatus.INTERNAL_SERVER_ERROR : resolved;
        }
        if (error instanceof TimeoutException) {
            return HttpStatus.GATEWAY_TIMEOUT;
        }
        // Refused or timed-out connects (ConnectException) and upstreams closing early
        // (PrematureCloseException) are all I/O failures toward the upstream.
        if (error instanceof IOException) {
            return HttpStatus.BAD_GATEWAY;
        }
        return HttpStatus.INTERNAL_SERVER_ERROR;
    }

    static String outcome(Throwable error) {
        return switch (status(error)) {
            case NOT_FOUND -> Outcome.NO_ROUTE;
            case GATEWAY_TIMEOUT -> Outcome.UPSTREAM_TIMEOUT;
            case BAD_GATEWAY, SERVICE_UNAVAILABLE -> Outcome.UPSTREAM_ERROR;
            default -> Outcome.ERROR;
        };
    }
}
