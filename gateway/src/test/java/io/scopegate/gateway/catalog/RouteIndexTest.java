package io.scopegate.gateway.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.http.server.PathContainer;

/**
 * The index gives the answer the linear search gives (every pattern of the catalog in
 * {@link PatternRoute#MOST_SPECIFIC_FIRST} order, the first match wins), for catalogs and paths
 * generated to overlap: literal, variable, {@code *}, {@code ?}, {@code **} and {@code {*rest}}
 * segments over a small alphabet, so that many patterns compete for each path.
 */
class RouteIndexTest {

    private static final String[] WORDS = {"a", "b", "ab", "campaigns", "v1"};
    private static final String[] PATTERN_SEGMENTS = {
        "a", "b", "ab", "campaigns", "v1", "{x}", "*", "a*", "?", "v?", "{id:[a-z]+}"
    };

    /** The answer as Spring Cloud Gateway gave it before the index: one route per pattern, in order. */
    private static String linear(List<ApiRoute> catalog, String path) {
        PathContainer container = PathContainer.parsePath(path);
        return PatternRoute.mostSpecificFirst(catalog).stream()
                .filter(route -> route.matches(container))
                .map(route -> route.api().id())
                .findFirst()
                .orElse("none");
    }

    private static String indexed(RouteIndex index, String path) {
        ApiRoute api = index.find(PathContainer.parsePath(path));
        return api == null ? "none" : api.id();
    }

    @Test
    void givesTheLinearAnswerForGeneratedCatalogsAndPaths() {
        Random random = new Random(17);
        int compared = 0;
        for (int round = 0; round < 200; round++) {
            List<ApiRoute> catalog = catalog(random, 1 + random.nextInt(12));
            RouteIndex index = RouteIndex.of(catalog);
            for (int i = 0; i < 100; i++) {
                String path = path(random);
                assertThat(indexed(index, path)).as("%s in %s", path, catalog).isEqualTo(linear(catalog, path));
                compared++;
            }
        }
        assertThat(compared).isEqualTo(20_000);
    }

    @Test
    void givesTheLinearAnswerAfterEveryIncrementalChange() {
        Random random = new Random(42);
        Map<String, ApiRoute> catalog = new HashMap<>();
        RouteIndex index = RouteIndex.EMPTY;
        for (int change = 0; change < 500; change++) {
            String id = "api" + random.nextInt(15);
            ApiRoute api = random.nextInt(4) == 0 ? null : api(random, id);
            index = index.replacing(id, api);
            if (api == null) {
                catalog.remove(id);
            } else {
                catalog.put(id, api);
            }
            List<ApiRoute> now = List.copyOf(catalog.values());
            assertThat(index.apis()).isEqualTo(catalog);
            for (int i = 0; i < 40; i++) {
                String path = path(random);
                assertThat(indexed(index, path)).as("%s in %s", path, now).isEqualTo(linear(now, path));
            }
        }
    }

    @Test
    void decodedFirstSegmentsFindTheirLiteralPatternsAsPathPatternMatchesThem() {
        List<ApiRoute> catalog = List.of(api("campaigns", "/campaigns/**"), api("all", "/{x}/**"));
        RouteIndex index = RouteIndex.of(catalog);
        for (String path : List.of("/camp%61igns/1", "/campaigns", "//campaigns/1", "/", "", "/Campaigns/1", "x")) {
            assertThat(indexed(index, path)).as(path).isEqualTo(linear(catalog, path));
        }
        assertThat(indexed(index, "/camp%61igns/1")).isEqualTo("campaigns");
    }

    /**
     * The measured case (bench/catalog.sh): 999 APIs at {@code /aNNNN/**} and {@code /aNNNN/items/{id}},
     * and the called API at {@code /bench/**} and {@code /bench/items/{id}}, whose catch-all is the very
     * last pattern the linear search tried.
     */
    @Test
    void theBenchmarksCatalogRoutesLikeTheLinearSearchWithTheCalledPatternLast() {
        List<ApiRoute> catalog = new ArrayList<>();
        for (int i = 1; i < 1000; i++) {
            String id = "a%04d".formatted(i);
            catalog.add(api(id, "/" + id + "/**", "/" + id + "/items/{id}"));
        }
        catalog.add(api("bench", "/bench/**", "/bench/items/{id}"));
        List<PatternRoute> linearOrder = PatternRoute.mostSpecificFirst(catalog);
        assertThat(linearOrder.get(linearOrder.size() - 1).pattern().getPatternString())
                .isEqualTo("/bench/**");
        RouteIndex index = RouteIndex.of(catalog);
        for (String path : List.of("/bench/item", "/bench/items/7", "/a0500/x", "/a0999/items/1", "/v1/nothing", "/")) {
            assertThat(indexed(index, path)).as(path).isEqualTo(linear(catalog, path));
        }
    }

    private static ApiRoute api(String id, String... paths) {
        return ApiRoute.of(id, List.of(paths), List.of("GET"), "http://" + id + ".upstream", false);
    }

    private static List<ApiRoute> catalog(Random random, int size) {
        List<ApiRoute> apis = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            apis.add(api(random, "api" + i));
        }
        return apis;
    }

    private static ApiRoute api(Random random, String id) {
        Set<String> patterns = new LinkedHashSet<>();
        int count = 1 + random.nextInt(3);
        while (patterns.size() < count) {
            patterns.add(pattern(random));
        }
        return api(id, patterns.toArray(String[]::new));
    }

    private static String pattern(Random random) {
        int segments = random.nextInt(4);
        StringBuilder pattern = new StringBuilder();
        for (int i = 0; i < segments; i++) {
            // A variable's name once per pattern, as the parser requires.
            String segment = PATTERN_SEGMENTS[random.nextInt(PATTERN_SEGMENTS.length)].replace("{x", "{x" + i);
            pattern.append('/').append(segment.replace("{id", "{id" + i));
        }
        switch (random.nextInt(4)) {
            case 0 -> pattern.append("/**");
            case 1 -> pattern.append("/{*rest}");
            default -> {
                if (pattern.isEmpty()) {
                    pattern.append('/');
                }
            }
        }
        return pattern.toString();
    }

    private static String path(Random random) {
        int segments = random.nextInt(5);
        StringBuilder path = new StringBuilder();
        for (int i = 0; i < segments; i++) {
            path.append('/').append(WORDS[random.nextInt(WORDS.length)]);
        }
        if (random.nextInt(8) == 0) {
            path.append('/');
        }
        return path.isEmpty() ? "/" : path.toString();
    }
}
