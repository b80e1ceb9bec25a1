package io.scopegate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.PathContainer;

class ApiRouteTest {

    @Test
    void moreSpecificPatternsAreTriedFirst() {
        ApiRoute broad = ApiRoute.of("broad", List.of("/a/**"), List.of("GET"), "http://up");
        ApiRoute narrow = ApiRoute.of("narrow", List.of("/a/b/**"), List.of("GET"), "http://up");
        List<ApiRoute> routes = new ArrayList<>(List.of(broad, narrow));
        routes.sort(ApiRoute.MOST_SPECIFIC_FIRST);
        assertThat(routes).extracting(ApiRoute::id).containsExactly("narrow", "broad");
    }

    @Test
    void matchesAnyOfItsPatterns() {
        ApiRoute route =
                ApiRoute.of("campaigns", List.of("/campaigns/**", "/v2/campaigns/{id}"), List.of("GET"), "http://up");
        assertThat(route.matches(PathContainer.parsePath("/campaigns/1/items"))).isTrue();
        assertThat(route.matches(PathContainer.parsePath("/v2/campaigns/7"))).isTrue();
        assertThat(route.matches(PathContainer.parsePath("/v2/campaigns/7/x"))).isFalse();
        assertThat(route.matches(PathContainer.parsePath("/campaignsx"))).isFalse();
    }
}
