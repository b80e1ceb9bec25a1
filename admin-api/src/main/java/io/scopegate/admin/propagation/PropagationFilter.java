package io.scopegate.admin.propagation;

import io.scopegate.admin.store.StoreTimeout;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatusCode;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;

/**
 * A call whose change the gateways must apply answers only once every live replica has applied it,
 * or the bound has passed: after the transaction committed (the answer is being written), before its
 * headers go out. The answer says what is known in {@code Scopegate-Propagation}, and so do the
 * change's audit records ({@code audit_events.propagation}, written after the change's own commit:
 * the wait needs the commit first). Errors answer at once: they changed nothing.
 */
@Component
class PropagationFilter implements WebFilter {

    private static final Logger log = LoggerFactory.getLogger(PropagationFilter.class);

    private final PropagationWait wait;
    private final PropagationReport report;
    private final DatabaseClient db;
    private final StoreTimeout storeTimeout;

    PropagationFilter(PropagationWait wait, PropagationReport report, DatabaseClient db, StoreTimeout storeTimeout) {
        this.wait = wait;
        this.report = report;
        this.db = db;
        this.storeTimeout = storeTimeout;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ChangesToConfirm changes = new ChangesToConfirm();
        exchange.getResponse().beforeCommit(() -> confirm(exchange, changes));
        return chain.filter(exchange).contextWrite(Context.of(ChangesToConfirm.class, changes));
    }

    private Mono<Void> confirm(ServerWebExchange exchange, ChangesToConfirm changes) {
        OptionalLong event = changes.lastEventId();
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        if (event.isEmpty() || status != null && status.isError()) {
            return Mono.empty();
        }
        return wait.await(event.getAsLong())
                .doOnNext(report::waited)
                .doOnNext(propagation ->
                        exchange.getResponse().getHeaders().set(Propagation.HEADER, propagation.header()))
                .flatMap(propagation -> keepInAudit(changes.auditIds(), propagation))
                // The change is made: whatever happens here, the call still answers its success.
                .onErrorResume(error -> {
                    log.warn(
                            "could not confirm the change of {} {}: {}",
                            exchange.getRequest().getMethod(),
                            exchange.getRequest().getPath(),
                            error.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> keepInAudit(List<Long> auditIds, Propagation propagation) {
        return db.sql("update audit_events set propagation = :propagation where id = any(:ids)")
                .bind("propagation", propagation.header())
                .bind("ids", auditIds.toArray(Long[]::new))
                .then()
                .timeout(storeTimeout.storeTimeout());
    }
}
