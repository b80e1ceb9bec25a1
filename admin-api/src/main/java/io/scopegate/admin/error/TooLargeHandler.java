package io.scopegate.admin.error;

import org.springframework.core.annotation.Order;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * A body larger than the server buffers (256 KiB) is the client's mistake: 413, not a 500 with a
 * stack trace. It can fail before any controller runs (Spring Security reads a form for its CSRF
 * token), so the controllers' advice never sees it; this handler runs ahead of Spring Boot's.
 */
@Component
@Order(-2)
class TooLargeHandler implements WebExceptionHandler {

    private final ProblemWriter problems;

    TooLargeHandler(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (!causedByLimit(error) || exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        return problems.write(exchange, ProblemType.TOO_LARGE, "The request body is larger than 256 KiB");
    }

    private static boolean causedByLimit(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof DataBufferLimitException) {
                return true;
            }
        }
        return false;
    }
}
