package io.scopegate.gateway.catalog;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.cloud.gateway.config.GlobalCorsProperties;
import org.springframework.cloud.gateway.handler.FilteringWebHandler;
import org.springframework.cloud.gateway.handler.RoutePredicateHandlerMapping;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.route.RouteLocator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.web.reactive.accept.ApiVersionStrategy;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Spring Cloud Gateway's handler mapping with the catalog's lookup in front: the stock one tries every
 * route's predicate in order, linear in the catalog; this one asks {@link CatalogRoutes}' index and
 * hands the API's route on exactly as the stock one would (in {@code GATEWAY_ROUTE_ATTR}), so every
 * filter after it reads the route as before. Routes configured outside the catalog (none by default)
 * are still tried the stock way, after the catalog. It replaces the stock bean, which Spring Cloud
 * Gateway defines only when there is none.
 */
class CatalogHandlerMapping extends RoutePredicateHandlerMapping {

    private final CatalogRoutes catalog;

    CatalogHandlerMapping(
            FilteringWebHandler webHandler,
            RouteLocator otherRoutes,
            GlobalCorsProperties cors,
            Environment environment,
            CatalogRoutes catalog) {
        super(webHandler, otherRoutes, cors, environment);
        this.catalog = catalog;
    }

    @Override
    protected Mono<Route> lookupRoute(ServerWebExchange exchange) {
        Route route = catalog.route(exchange.getRequest().getPath().pathWithinApplication());
        return route != null ? Mono.just(route) : super.lookupRoute(exchange);
    }

    @Configuration(proxyBeanMethods = false)
    static class Registration {

        /** As Spring Cloud Gateway's GatewayAutoConfiguration builds its own, API versioning included. */
        @Bean
        RoutePredicateHandlerMapping routePredicateHandlerMapping(
                FilteringWebHandler webHandler,
                RouteLocator routeLocator,
                GlobalCorsProperties cors,
                Environment environment,
                ObjectProvider<ApiVersionStrategy> apiVersionStrategy,
                CatalogRoutes catalog) {
            CatalogHandlerMapping mapping =
                    new CatalogHandlerMapping(webHandler, routeLocator, cors, environment, catalog);
            apiVersionStrategy.ifAvailable(mapping::setApiVersionStrategy);
            return mapping;
        }
    }
}
