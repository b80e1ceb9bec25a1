package io.scopegate.gateway.catalog;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The gateway's routes, from the catalog in the store rather than from YAML: one per path pattern of
 * each API, most specific pattern first across all APIs (see {@link PatternRoute}). Reloaded when the
 * store says the catalog changed; Spring Cloud Gateway is then told to refresh its routes.
 */
@Component
public class CatalogRoutes implements RouteLocator {

    /** Route metadata keys: read them with {@link #apiId} and {@link #methods}. */
    private static final String API_ID = "scopegate.api";

    private static final String API_METHODS = "scopegate.methods";

    private final DatabaseClient db;
    private final ApplicationEventPublisher events;
    private volatile List<ApiRoute> apis = List.of();
    private volatile List<PatternRoute> routes = List.of();

    CatalogRoutes(DatabaseClient db, ApplicationEventPublisher events) {
        this.db = db;
        this.events = events;
    }

    public Mono<Void> reload(Duration timeout) {
        return db.sql("select id, paths, methods, upstream_url from apis order by id")
                .map(row -> ApiRoute.of(
                        row.get("id", String.class),
                        Arrays.asList(row.get("paths", String[].class)),
                        Arrays.asList(row.get("methods", String[].class)),
                        row.get("upstream_url", String.class)))
                .all()
                .collectList()
                .timeout(timeout)
                .doOnNext(this::use)
                .then();
    }

    /** Routes these APIs from now on and tells Spring Cloud Gateway to pick them up. */
    void use(List<ApiRoute> loaded) {
        routes = PatternRoute.mostSpecificFirst(loaded);
        apis = List.copyOf(loaded);
        events.publishEvent(new RefreshRoutesEvent(this));
    }

    /** The id of the API a route of this catalog serves. */
    public static String apiId(Route route) {
        return (String) route.getMetadata().get(API_ID);
    }

    /** The methods the API of a route of this catalog serves. */
    @SuppressWarnings("unchecked")
    public static Set<String> methods(Route route) {
        return (Set<String>) route.getMetadata().get(API_METHODS);
    }

    /** How many APIs the catalog has. */
    public int size() {
        return apis.size();
    }

    /** One route per (pattern, API), in the order Spring Cloud Gateway must try them: the first match wins. */
    @Override
    public Flux<Route> getRoutes() {
        List<PatternRoute> current = routes;
        return Flux.range(0, current.size()).map(order -> route(current.get(order), order));
    }

    private static Route route(PatternRoute pattern, int order) {
        ApiRoute api = pattern.api();
        return Route.async()
                .id(pattern.routeId())
                .uri(api.upstream())
                .order(order)
                .predicate(exchange ->
                        pattern.matches(exchange.getRequest().getPath().pathWithinApplication()))
                .metadata(API_ID, api.id())
                .metadata(API_METHODS, api.methods())
                .build();
    }
}
