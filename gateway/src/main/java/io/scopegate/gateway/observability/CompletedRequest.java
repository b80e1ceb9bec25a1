package io.scopegate.gateway.observability;

import io.scopegate.gateway.catalog.CatalogRoutes;
import io.scopegate.gateway.token.Caller;
import io.scopegate.store.scope.Scope;
import java.util.Objects;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpStatusCode;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.SignalType;

/**
 * One finished request as metrics, usage and the access log see it, built once when the response
 * is done. Every value is bounded: SIDs and API ids from the store, methods and outcomes from fixed
 * lists; {@link #NONE} where a request had no identified token or no route.
 *
 * @param accountSid the identified token's account, or {@link #NONE}
 * @param tokenId    the identified token (legacy: {@code <accountSid>:<kind>}), or {@link #NONE}
 * @param api        the routed API's id, or {@link #NONE}
 * @param method     the request method, or {@code OTHER} for one no scope can name
 * @param outcome    {@link Outcome}: allowed or why not
 * @param status     the response status code, 0 when none was sent
 * @param nanos      time in the gateway, upstream included
 * @param path       the request path as sent (for the access log only: unbounded, never a metric tag)
 * @param requestId  the request's {@link RequestId}
 */
public record CompletedRequest(
        String accountSid,
        String tokenId,
        String api,
        String method,
        String outcome,
        int status,
        long nanos,
        String path,
        String requestId) {

    public static final String NONE = "none";

    /** The summary of an exchange whose response is done; {@code signal} tells a cancelled one from a failed one. */
    public static CompletedRequest of(ServerWebExchange exchange, SignalType signal, long nanos) {
        String outcome = Outcome.of(exchange);
        if (outcome == null) {
            outcome = signal == SignalType.CANCEL ? Outcome.CANCELLED : Outcome.ERROR;
        }
        Caller caller = exchange.getAttribute(Caller.ATTRIBUTE);
        Route route = exchange.getAttribute(ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR);
        String requestMethod = exchange.getRequest().getMethod().name();
        HttpStatusCode status = exchange.getResponse().getStatusCode();
        return new CompletedRequest(
                caller == null ? NONE : caller.accountSid(),
                caller == null ? NONE : caller.tokenId(),
                route == null ? NONE : Objects.requireNonNullElse(CatalogRoutes.apiId(route), NONE),
                Scope.KNOWN_METHODS.contains(requestMethod) ? requestMethod : "OTHER",
                outcome,
                status == null ? 0 : status.value(),
                nanos,
                exchange.getRequest().getPath().value(),
                RequestId.of(exchange));
    }

    public boolean identified() {
        return !NONE.equals(tokenId);
    }
}
