package io.scopegate.gateway.http;

import io.scopegate.gateway.observability.RequestId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.webflux.error.ErrorWebExceptionHandler;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Errors that escaped the filters, as problem+json: no route 404, upstream down 502, upstream too
 * slow 504 (bounded by the HTTP client's connect and response timeouts, so never a hang), anything
 * else 500 with its stack trace in the log. The entry filter has already counted the outcome.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class GatewayErrorHandler implements ErrorWebExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(GatewayErrorHandler.class);

    @Override
    public Mono<Void> handle(ServerWebExchange exchange, Throwable error) {
        if (exchange.getResponse().isCommitted()) {
            return Mono.error(error);
        }
        HttpStatus status = Failures.status(error);
        if (status == HttpStatus.INTERNAL_SERVER_ERROR) {
            log.error(
                    "{} {} failed",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    error);
        } else if (status.is5xxServerError()) {
            // The upstream's trouble, not ours: one line, no stack trace.
            log.warn(
                    "{} {} failed with {}: {}",
                    exchange.getRequest().getMethod(),
                    exchange.getRequest().getPath(),
                    status.value(),
                    error.toString());
        }
        String title = status.getReasonPhrase();
        String detail = switch (status) {
            case NOT_FOUND -> "No API is routed at this path";
            case BAD_GATEWAY -> "The upstream API could not be reached";
            case GATEWAY_TIMEOUT -> "The upstream API did not answer in time";
            default -> "The request failed";
        };
        // Whatever the upstream or a filter had set goes; the request id stays for correlation.
        String requestId = exchange.getResponse().getHeaders().getFirst(RequestId.HEADER);
        exchange.getResponse().getHeaders().clear();
        if (requestId != null) {
            exchange.getResponse().getHeaders().set(RequestId.HEADER, requestId);
        }
        return Rejections.write(
                exchange,
                status,
                Rejections.problem(status.value(), title.toLowerCase().replace(' ', '-'), title, detail));
    }
}
