package io.scopegate.gateway.catalog;

import java.util.List;
import java.util.Set;
import org.springframework.cloud.gateway.route.Route;

/** A catalog without a store, for other packages' unit tests. */
public final class TestCatalog {

    private TestCatalog() {}

    /** An API at {@code /<id>/**} serving these methods, accepting WebSocket upgrades or not. */
    public static ApiRoute api(String id, boolean websocket, String... methods) {
        return ApiRoute.of(id, List.of("/" + id + "/**"), List.of(methods), "http://" + id + ".upstream", websocket);
    }

    public static CatalogRoutes of(ApiRoute... apis) {
        CatalogRoutes catalog = new CatalogRoutes(null, event -> {});
        catalog.use(List.of(apis));
        return catalog;
    }

    /** Replaces the whole catalog, as a reload from the store does. */
    public static void replace(CatalogRoutes catalog, ApiRoute... apis) {
        catalog.use(List.of(apis));
    }

    /** The route a request to the API would be given. */
    public static Route route(CatalogRoutes catalog, String apiId) {
        return catalog.route(apiId);
    }

    /** A route of an API with these methods, as the catalog builds it. */
    public static Route route(String apiId, boolean websocket, Set<String> methods) {
        return route(of(api(apiId, websocket, methods.toArray(String[]::new))), apiId);
    }
}
