package io.scopegate.gateway.catalog;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
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

    private static final String API_WEBSOCKET = "scopegate.websocket";

    private static final String API_MUTUAL_TLS = "scopegate.mutual-tls";

    private final DatabaseClient db;
    private final ApplicationEventPublisher events;
    private volatile Map<String, ApiRoute> apis = Map.of();
    private volatile List<PatternRoute> routes = List.of();

    CatalogRoutes(DatabaseClient db, ApplicationEventPublisher events) {
        this.db = db;
        this.events = events;
    }

    public Mono<Void> reload(Duration timeout) {
        return db.sql("select id, paths, methods, upstream_url, websocket, mutual_tls from apis order by id")
                .map(row -> ApiRoute.of(
                        row.get("id", String.class),
                        Arrays.asList(row.get("paths", String[].class)),
                        Arrays.asList(row.get("methods", String[].class)),
                        row.get("upstream_url", String.class),
                        Boolean.TRUE.equals(row.get("websocket", Boolean.class)),
                        Boolean.TRUE.equals(row.get("mutual_tls", Boolean.class))))
                .all()
                .collectList()
                .timeout(timeout)
                .doOnNext(this::use)
                .then();
    }

    /** Routes these APIs from now on and tells Spring Cloud Gateway to pick them up. */
    void use(List<ApiRoute> loaded) {
        routes = PatternRoute.mostSpecificFirst(loaded);
        apis = loaded.stream().collect(Collectors.toUnmodifiableMap(ApiRoute::id, Function.identity()));
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

    /** Whether the API of a route of this catalog accepts WebSocket upgrades. */
    public static boolean websocket(Route route) {
        return Boolean.TRUE.equals(route.getMetadata().get(API_WEBSOCKET));
    }

    /** Whether the API of a route of this catalog requires a client certificate bound to the token. */
    public static boolean mutualTls(Route route) {
        return Boolean.TRUE.equals(route.getMetadata().get(API_MUTUAL_TLS));
    }

    /** The API as the catalog has it now, or null when it is gone. */
    public ApiRoute api(String id) {
        return apis.get(id);
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
                .metadata(API_WEBSOCKET, api.websocket())
                .metadata(API_MUTUAL_TLS, api.mutualTls())
                .build();
    }
}
