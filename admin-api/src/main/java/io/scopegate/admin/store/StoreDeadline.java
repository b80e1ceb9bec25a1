package io.scopegate.admin.store;

import io.scopegate.admin.error.ProblemType;
import io.scopegate.admin.error.ProblemWriter;
import io.scopegate.admin.input.RequestPaths;
import io.scopegate.store.lifecycle.StoreFailures;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every admin call is answered within {@code scopegate.admin.store-timeout} when the store fails or
 * does not answer: 503 {@code store-unavailable} with {@code Retry-After} (the console: its 503 page).
 * PostgreSQL's statement timeout is enforced by the server, so a frozen server or a partitioned network
 * would otherwise hold the call for as long as the TCP connection lives.
 * <p>
 * The deadline runs until the response starts: a streamed export that has begun is not cut. The call
 * is cancelled when it passes, which rolls its transaction back, so a change and its audit record are
 * written together or not at all. (Should the commit itself have reached the store just as the
 * deadline passed, the change is made although the caller saw 503: the audit log shows it, and every
 * change but a creation can simply be repeated.) Outside Spring Security's filters, whose sign-in reads
 * the store too; on the management port as well, where health checks answer within their own, shorter
 * bound ({@code scopegate.health.timeout}) and an operator's sign-in for their details is held to this one.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 1)
class StoreDeadline implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(StoreDeadline.class);

    private final StoreTimeout settings;
    private final ProblemWriter problems;

    StoreDeadline(
            StoreTimeout settings,
            ProblemWriter problems,
            @Value("${scopegate.health.timeout:3s}") Duration healthTimeout) {
        if (healthTimeout.compareTo(settings.storeTimeout()) >= 0) {
            // Health would be cut off by this deadline and answered as if the store were away.
            throw new IllegalStateException("scopegate.health.timeout (" + healthTimeout
                    + ") must be shorter than scopegate.admin.store-timeout (" + settings.storeTimeout() + ")");
        }
        this.settings = settings;
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        Mono<Long> deadline = Mono.delay(settings.storeTimeout())
                .flatMap(tick -> exchange.getResponse().isCommitted() ? Mono.never() : Mono.just(tick));
        return chain.filter(exchange)
                .timeout(deadline)
                .onErrorResume(
                        error -> StoreFailures.isStoreFailure(error)
                                && !exchange.getResponse().isCommitted(),
                        error -> unavailable(exchange, error));
    }

    private Mono<Void> unavailable(ServerWebExchange exchange, Throwable error) {
        log.warn(
                "store unavailable on {} {}: {}",
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(),
                error.toString());
        String retryAfter = Long.toString(settings.retryAfterSeconds());
        // Not the file name an export had set before it was cut off.
        exchange.getResponse().getHeaders().remove(HttpHeaders.CONTENT_DISPOSITION);
        exchange.getResponse().getHeaders().set(HttpHeaders.RETRY_AFTER, retryAfter);
        if (RequestPaths.isConsole(exchange.getRequest())) {
            // Rendered by the console's error page for 503.
            return Mono.error(new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE, "store unavailable"));
        }
        return problems.write(
                exchange,
                ProblemType.STORE_UNAVAILABLE,
                "The token store did not answer in time; retry in " + retryAfter + " s");
    }
}
