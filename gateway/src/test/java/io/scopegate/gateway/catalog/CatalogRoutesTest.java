package io.scopegate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/**
 * Which API a path goes to, as Spring Cloud Gateway picks it: the catalog's routes in their order,
 * the first whose predicate matches.
 */
class CatalogRoutesTest {

    private final List<Object> published = new ArrayList<>();
    private final CatalogRoutes catalog = new CatalogRoutes(null, published::add);

    private static ApiRoute api(String id, String... paths) {
        return ApiRoute.of(id, List.of(paths), List.of("GET"), "http://" + id + ".upstream", false);
    }

    /** The API of the first route (in route order) whose predicate matches the path; "none" without one. */
    private Mono<String> routedApi(String path) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
        return catalog.getRoutes()
                .sort((a, b) -> Integer.compare(a.getOrder(), b.getOrder()))
                .concatMap(route -> Flux.from(route.getPredicate().apply(exchange))
                        .filter(Boolean::booleanValue)
                        .map(matched -> route))
                .next()
                .map(CatalogRoutes::apiId)
                .defaultIfEmpty("none");
    }

    private void assertRoutedTo(String path, String api) {
        StepVerifier.create(routedApi(path)).expectNext(api).expectComplete().verify(Duration.ofSeconds(5));
    }

    /** Issue 14, finding 5: B's exact pattern must not lift its catch-all above A's narrower pattern. */
    @Test
    void theMostSpecificPatternAcrossAllApisWinsNotTheApiWithTheMostSpecificPattern() {
        catalog.use(List.of(api("a", "/p/a/{id}"), api("b", "/q/exact", "/p/**")));

        assertRoutedTo("/p/a/1", "a");
        assertRoutedTo("/p/other", "b");
        assertRoutedTo("/q/exact", "b");
        assertRoutedTo("/p/a/1/deeper", "b");
        assertRoutedTo("/r/1", "none");
    }

    @Test
    void theOrderOfTheApisInTheStoreDoesNotMatter() {
        catalog.use(List.of(api("b", "/q/exact", "/p/**"), api("a", "/p/a/{id}")));
        assertRoutedTo("/p/a/1", "a");
        catalog.use(List.of(api("a", "/p/a/{id}"), api("b", "/q/exact", "/p/**")));
        assertRoutedTo("/p/a/1", "a");
    }

    @Test
    void moreSpecificPatternsAreTriedFirst() {
        catalog.use(List.of(api("broad", "/a/**"), api("narrow", "/a/b/**")));
        assertRoutedTo("/a/b/c", "narrow");
        assertRoutedTo("/a/c", "broad");
    }

    @Test
    void anApiIsReachedThroughAnyOfItsPatterns() {
        catalog.use(List.of(api("campaigns", "/campaigns/**", "/v2/campaigns/{id}")));
        assertRoutedTo("/campaigns/1/items", "campaigns");
        assertRoutedTo("/v2/campaigns/7", "campaigns");
        assertRoutedTo("/v2/campaigns/7/x", "none");
        assertRoutedTo("/campaignsx", "none");
    }

    /** Two patterns as specific as each other that both match: every replica must choose the same API. */
    @Test
    void equallySpecificPatternsAreOrderedTheSameWayWhateverTheLoadOrder() {
        ApiRoute first = api("first", "/p/{x}/a");
        ApiRoute second = api("second", "/p/a/{y}");
        catalog.use(List.of(first, second));
        List<String> once = routeIds();
        catalog.use(List.of(second, first));
        assertThat(routeIds()).isEqualTo(once);
        assertRoutedTo("/p/a/a", "second");
    }

    @Test
    void aCatalogChangeAsksTheGatewayToRefreshItsRoutes() {
        catalog.use(List.of(api("a", "/a/**")));
        assertThat(published).hasSize(1);
        assertThat(catalog.size()).isEqualTo(1);
    }

    private List<String> routeIds() {
        return catalog.getRoutes().map(Route::getId).collectList().block(Duration.ofSeconds(5));
    }
}
