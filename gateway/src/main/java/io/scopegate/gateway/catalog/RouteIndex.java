package io.scopegate.gateway.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.http.server.PathContainer;

/**
 * The catalog's patterns, indexed by their first path segment so that finding a request's API costs
 * the same with 1 API as with 1,000. Spring Cloud Gateway tries routes one by one, which made every
 * request pay for every pattern ahead of its own (bench/RESULTS.md, "Catalog size").
 *
 * <p>The answer is exactly the linear one: the first pattern, in {@link PatternRoute#MOST_SPECIFIC_FIRST}
 * order over the whole catalog, that matches. A pattern whose first segment is a literal
 * ({@code /campaigns/**}) can only match a path whose first segment is that literal, so only the bucket
 * of the path's first segment needs trying; every other pattern ({@code /**}, {@code /{tenant}/x},
 * {@code /v*}/…) stays in one list that is always tried. Both lists keep the global order, so the
 * answer is the better of the two lists' first matches.
 *
 * <p>Immutable: a change builds a new index sharing every bucket it did not touch, and readers see
 * either the old or the new one.
 */
final class RouteIndex {

    static final RouteIndex EMPTY = new RouteIndex(Map.of(), Map.of(), List.of());

    private final Map<String, ApiRoute> apis;
    private final Map<String, List<PatternRoute>> byFirstSegment;
    private final List<PatternRoute> anyFirstSegment;

    private RouteIndex(
            Map<String, ApiRoute> apis,
            Map<String, List<PatternRoute>> byFirstSegment,
            List<PatternRoute> anyFirstSegment) {
        this.apis = apis;
        this.byFirstSegment = byFirstSegment;
        this.anyFirstSegment = anyFirstSegment;
    }

    /** The index of a whole catalog (start-up, or a sync started afresh). */
    static RouteIndex of(Collection<ApiRoute> catalog) {
        Map<String, ApiRoute> apis =
                catalog.stream().collect(Collectors.toUnmodifiableMap(ApiRoute::id, Function.identity()));
        Map<String, List<PatternRoute>> buckets = new HashMap<>();
        List<PatternRoute> any = new ArrayList<>();
        for (PatternRoute route : PatternRoute.mostSpecificFirst(apis.values())) {
            String segment = route.literalFirstSegment();
            if (segment == null) {
                any.add(route);
            } else {
                buckets.computeIfAbsent(segment, key -> new ArrayList<>()).add(route);
            }
        }
        buckets.replaceAll((segment, routes) -> List.copyOf(routes));
        return new RouteIndex(apis, Map.copyOf(buckets), List.copyOf(any));
    }

    /**
     * This index with one API added, replaced or (given null) removed: only the buckets of its old and
     * new patterns are rebuilt, so a change costs the size of those buckets, not of the catalog.
     */
    RouteIndex replacing(String id, ApiRoute api) {
        ApiRoute old = apis.get(id);
        if (old == null && api == null) {
            return this;
        }
        Map<String, ApiRoute> newApis = new HashMap<>(apis);
        if (api == null) {
            newApis.remove(id);
        } else {
            newApis.put(id, api);
        }
        Set<String> touched = new LinkedHashSet<>();
        boolean anyTouched = false;
        for (PatternRoute route : routesOf(old, api)) {
            String segment = route.literalFirstSegment();
            if (segment == null) {
                anyTouched = true;
            } else {
                touched.add(segment);
            }
        }
        Map<String, List<PatternRoute>> buckets = new HashMap<>(byFirstSegment);
        for (String segment : touched) {
            List<PatternRoute> rebuilt = rebuilt(buckets.getOrDefault(segment, List.of()), id, api, segment);
            if (rebuilt.isEmpty()) {
                buckets.remove(segment);
            } else {
                buckets.put(segment, rebuilt);
            }
        }
        List<PatternRoute> any = anyTouched ? rebuilt(anyFirstSegment, id, api, null) : anyFirstSegment;
        return new RouteIndex(Map.copyOf(newApis), Map.copyOf(buckets), any);
    }

    /** The API whose pattern is the most specific one matching this path, or null when none matches. */
    ApiRoute find(PathContainer path) {
        String segment = firstSegment(path);
        PatternRoute literal = segment == null ? null : firstMatch(byFirstSegment.get(segment), path, null);
        PatternRoute any = firstMatch(anyFirstSegment, path, literal);
        PatternRoute winner = any != null ? any : literal;
        return winner == null ? null : winner.api();
    }

    Map<String, ApiRoute> apis() {
        return apis;
    }

    /**
     * The first route of the list that matches, trying none that ranks after {@code better} (a match
     * already found elsewhere): the lists are in the global order, so nothing further on could win.
     */
    private static PatternRoute firstMatch(List<PatternRoute> routes, PathContainer path, PatternRoute better) {
        if (routes == null) {
            return null;
        }
        for (PatternRoute route : routes) {
            if (better != null && PatternRoute.MOST_SPECIFIC_FIRST.compare(route, better) > 0) {
                return null;
            }
            if (route.matches(path)) {
                return route;
            }
        }
        return null;
    }

    /**
     * The decoded first segment, as PathPattern compares a literal with it ({@code /camp%61igns} is
     * {@code campaigns}); null when the path does not start with {@code /<segment>}, which no pattern
     * with a literal first segment can match.
     */
    private static String firstSegment(PathContainer path) {
        List<PathContainer.Element> elements = path.elements();
        if (elements.size() >= 2
                && elements.get(0) instanceof PathContainer.Separator
                && elements.get(1) instanceof PathContainer.PathSegment segment) {
            return segment.valueToMatch();
        }
        return null;
    }

    /** A list without the API's old routes and with its new ones of this bucket (null: the any-list). */
    private static List<PatternRoute> rebuilt(List<PatternRoute> routes, String id, ApiRoute api, String segment) {
        List<PatternRoute> result = new ArrayList<>(routes.size() + 2);
        for (PatternRoute route : routes) {
            if (!route.api().id().equals(id)) {
                result.add(route);
            }
        }
        for (PatternRoute route : routesOf(null, api)) {
            String own = route.literalFirstSegment();
            if (segment == null ? own == null : segment.equals(own)) {
                result.add(route);
            }
        }
        result.sort(PatternRoute.MOST_SPECIFIC_FIRST);
        return List.copyOf(result);
    }

    private static List<PatternRoute> routesOf(ApiRoute old, ApiRoute api) {
        List<PatternRoute> routes = new ArrayList<>();
        for (ApiRoute each : new ApiRoute[] {old, api}) {
            if (each != null) {
                each.patterns().forEach(pattern -> routes.add(new PatternRoute(pattern, each)));
            }
        }
        return routes;
    }
}
