package io.scopegate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.event.RefreshRoutesEvent;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.http.server.PathContainer;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** Which API a path goes to, as the gateway picks it: the route the catalog gives for the path. */
class CatalogRoutesTest {

    private final List<Object> published = new ArrayList<>();
    private final CatalogRoutes catalog = new CatalogRoutes(null, published::add);

    private static ApiRoute api(String id, String... paths) {
        return ApiRoute.of(id, List.of(paths), List.of("GET"), "http://" + id + ".upstream", false);
    }

    private String routedApi(String path) {
        Route route = catalog.route(PathContainer.parsePath(path));
        return route == null ? "none" : CatalogRoutes.apiId(route);
    }

    private void assertRoutedTo(String path, String api) {
        assertThat(routedApi(path)).as(path).isEqualTo(api);
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
        assertRoutedTo("/p/a/a", "second");
        catalog.use(List.of(second, first));
        assertRoutedTo("/p/a/a", "second");
    }

    /** Patterns with a variable or wildcard first segment compete with the literal ones, by specificity. */
    @Test
    void aWildcardFirstSegmentCompetesWithEveryLiteralOne() {
        catalog.use(List.of(api("any", "/{tenant}/orders/**"), api("campaigns", "/campaigns/**"), api("all", "/**")));
        assertRoutedTo("/campaigns/orders/1", "campaigns");
        assertRoutedTo("/campaigns/1", "campaigns");
        assertRoutedTo("/acme/orders/1", "any");
        assertRoutedTo("/acme/other", "all");
        assertRoutedTo("/", "all");
    }

    @Test
    void aChangedApiIsRoutedAnewAndTheOthersStayAsTheyWere() {
        catalog.use(List.of(api("a", "/a/**"), api("b", "/b/**")));
        Route before = catalog.route("b");

        catalog.change(List.of("a"), List.of(api("a", "/a2/**")));

        assertRoutedTo("/a/1", "none");
        assertRoutedTo("/a2/1", "a");
        assertRoutedTo("/b/1", "b");
        assertThat(catalog.route("b")).isSameAs(before);
        assertThat(catalog.size()).isEqualTo(2);
    }

    @Test
    void anApiGoneFromTheStoreIsNoLongerRouted() {
        catalog.use(List.of(api("a", "/a/**"), api("b", "/b/**")));

        catalog.change(List.of("a", "c"), List.of(api("c", "/c/**")));

        assertRoutedTo("/a/1", "none");
        assertRoutedTo("/c/1", "c");
        assertThat(catalog.api("a")).isNull();
        assertThat(catalog.size()).isEqualTo(2);
    }

    @Test
    void everyCatalogChangeAsksTheGatewayToRefreshWhatItCachesPerRoute() {
        catalog.use(List.of(api("a", "/a/**")));
        catalog.change(List.of("a"), List.of());
        assertThat(published).hasSize(2).allMatch(RefreshRoutesEvent.class::isInstance);
        assertThat(catalog.size()).isZero();
    }

    @Test
    void anApisRouteCarriesWhatTheFiltersReadAndMatchesItsOwnPaths() {
        catalog.use(List.of(ApiRoute.of("chat", List.of("/chat/**"), List.of("GET", "POST"), "http://chat.up", true)));
        Route route = catalog.route("chat");

        assertThat(CatalogRoutes.apiId(route)).isEqualTo("chat");
        assertThat(CatalogRoutes.methods(route)).containsExactlyInAnyOrder("GET", "POST");
        assertThat(CatalogRoutes.websocket(route)).isTrue();
        assertThat(CatalogRoutes.mutualTls(route)).isFalse();
        assertThat(route.getUri().getHost()).isEqualTo("chat.up");
        StepVerifier.create(predicate(route, "/chat/1"))
                .expectNext(true)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
        StepVerifier.create(predicate(route, "/other"))
                .expectNext(false)
                .expectComplete()
                .verify(Duration.ofSeconds(5));
    }

    private static Mono<Boolean> predicate(Route route, String path) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.get(path));
        return Mono.from(Objects.requireNonNull(route.getPredicate().apply(exchange)));
    }
}
