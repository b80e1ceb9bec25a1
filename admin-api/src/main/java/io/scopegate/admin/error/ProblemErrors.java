package io.scopegate.admin.error;

import io.scopegate.admin.input.RequestPaths;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedHandler;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.WebExceptionHandler;
import reactor.core.publisher.Mono;

/**
 * Errors raised before any controller is chosen — a method the path does not serve (405), a request
 * Spring Security's firewall rejects (400: encoded slashes, {@code ;} in the path, odd methods) — are
 * problem+json too, on every path but the console's (which has HTML error pages). Controllers' errors
 * are {@link ProblemDetailsAdvice}'s.
 */
@Configuration(proxyBeanMethods = false)
class ProblemErrors {

    private static final Logger log = LoggerFactory.getLogger(ProblemErrors.class);

    /** Before Spring Boot's own handler (order -1), which answers application/json. */
    @Bean
    @Order(-2)
    WebExceptionHandler problemJsonErrors(ProblemWriter problems) {
        return (exchange, error) -> {
            if (exchange.getResponse().isCommitted() || RequestPaths.isConsole(exchange.getRequest())) {
                return Mono.error(error);
            }
            if (error instanceof ResponseStatusException status) {
                exchange.getResponse().getHeaders().putAll(status.getHeaders());
                return problems.write(exchange, status.getStatusCode(), status.getReason());
            }
            log.error(
                    "unhandled error on {} {}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    error);
            return problems.write(exchange, ProblemType.INTERNAL, "The request failed; it has been logged");
        };
    }

    @Bean
    ServerExchangeRejectedHandler problemJsonRejections(ProblemWriter problems) {
        return (exchange, rejected) -> problems.write(
                exchange,
                HttpStatus.BAD_REQUEST,
                "The request's path or method is not accepted: " + rejected.getMessage());
    }
}
