package io.scopegate.gateway.catalog;

import io.r2dbc.spi.Readable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.http.server.PathContainer;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * The gateway's routes, from the catalog in the store rather than from YAML: one per API, found for a
 * request by {@link RouteIndex} (most specific pattern first across all APIs, see {@link PatternRoute})
 * in time that does not grow with the catalog. Spring Cloud Gateway asks through
 * {@link CatalogHandlerMapping} instead of trying a route per pattern in turn. Loaded whole at start-up;
 * afterwards an API's change reloads that API's row only. Each change publishes a
 * {@link RefreshRoutesEvent}, after the new catalog is in place, for whoever caches per route.
 */
@Component
public class CatalogRoutes {

    /** Route metadata keys: read them with {@link #apiId} and {@link #methods}. */
    private static final String API_ID = "scopegate.api";

    private static final String API_METHODS = "scopegate.methods";

    private static final String API_WEBSOCKET = "scopegate.websocket";

    private static final String API_MUTUAL_TLS = "scopegate.mutual-tls";

    private static final String SELECT = "select id, paths, methods, upstream_url, websocket, mutual_tls from apis";

    /** The index and each API's route, swapped together so a reader never sees one without the other. */
    private record Snapshot(RouteIndex index, Map<String, Route> routes) {}

    private final DatabaseClient db;
    private final ApplicationEventPublisher events;
    private volatile Snapshot current = new Snapshot(RouteIndex.EMPTY, Map.of());

    CatalogRoutes(DatabaseClient db, ApplicationEventPublisher events) {
        this.db = db;
        this.events = events;
    }

    /** The whole catalog: at start-up, and when the sync starts afresh. */
    public Mono<Void> reload(Duration timeout) {
        return db.sql(SELECT + " order by id")
                .map(CatalogRoutes::apiRoute)
                .all()
                .collectList()
                .timeout(timeout)
                .doOnNext(this::use)
                .then();
    }

    /**
     * Only these APIs' rows (the subjects of API events): each one read is added or replaced, each one
     * gone from the store is removed. An empty id (an event without its API) reloads the whole catalog.
     */
    public Mono<Void> reload(Collection<String> ids, Duration timeout) {
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        if (ids.contains("")) {
            return reload(timeout);
        }
        List<String> wanted = List.copyOf(new LinkedHashSet<>(ids));
        return db.sql(SELECT + " where id = any(:ids)")
                .bind("ids", wanted.toArray(String[]::new))
                .map(CatalogRoutes::apiRoute)
                .all()
                .collectList()
                .timeout(timeout)
                .doOnNext(found -> change(wanted, found))
                .then();
    }

    private static ApiRoute apiRoute(Readable row) {
        return ApiRoute.of(
                row.get("id", String.class),
                Arrays.asList(row.get("paths", String[].class)),
                Arrays.asList(row.get("methods", String[].class)),
                row.get("upstream_url", String.class),
                Boolean.TRUE.equals(row.get("websocket", Boolean.class)),
                Boolean.TRUE.equals(row.get("mutual_tls", Boolean.class)));
    }

    /** Routes these APIs from now on, in place of the whole catalog. */
    synchronized void use(List<ApiRoute> loaded) {
        Map<String, Route> routes = new HashMap<>();
        loaded.forEach(api -> routes.put(api.id(), route(api)));
        current = new Snapshot(RouteIndex.of(loaded), Map.copyOf(routes));
        events.publishEvent(new RefreshRoutesEvent(this));
    }

    /** Replaces the APIs among {@code ids} that were found, removes the others; the rest stays as it is. */
    synchronized void change(Collection<String> ids, Collection<ApiRoute> found) {
        Map<String, ApiRoute> byId = new HashMap<>();
        found.forEach(api -> byId.put(api.id(), api));
        Snapshot before = current;
        RouteIndex index = before.index();
        Map<String, Route> routes = new HashMap<>(before.routes());
        for (String id : ids) {
            ApiRoute api = byId.get(id);
            index = index.replacing(id, api);
            if (api == null) {
                routes.remove(id);
            } else {
                routes.put(id, route(api));
            }
        }
        current = new Snapshot(index, Map.copyOf(routes));
        events.publishEvent(new RefreshRoutesEvent(this));
    }

    /** The route of the API this path goes to, or null when no pattern of the catalog matches it. */
    Route route(PathContainer path) {
        Snapshot snapshot = current;
        ApiRoute api = snapshot.index().find(path);
        return api == null ? null : snapshot.routes().get(api.id());
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
        return current.index().apis().get(id);
    }

    /** How many APIs the catalog has. */
    public int size() {
        return current.index().apis().size();
    }

    /** The route a request to this API is given, or null when the catalog has no such API. */
    Route route(String apiId) {
        return current.routes().get(apiId);
    }

    /**
     * One route per API. Its predicate (any of the API's patterns) is there for completeness only:
     * {@link CatalogHandlerMapping} picks the route through the index, across all APIs at once.
     */
    private static Route route(ApiRoute api) {
        return Route.async()
                .id(api.id())
                .uri(api.upstream())
                .predicate(exchange ->
                        matchesAny(api, exchange.getRequest().getPath().pathWithinApplication()))
                .metadata(API_ID, api.id())
                .metadata(API_METHODS, api.methods())
                .metadata(API_WEBSOCKET, api.websocket())
                .metadata(API_MUTUAL_TLS, api.mutualTls())
                .build();
    }

    private static boolean matchesAny(ApiRoute api, PathContainer path) {
        return api.patterns().stream().anyMatch(pattern -> pattern.matches(path));
    }
}
