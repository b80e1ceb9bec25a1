package io.scopegate.gateway.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;

/**
 * One path pattern of one API: the unit the gateway orders its routes by. Ordering whole APIs by
 * their single most specific pattern let a broad pattern ride on a narrow one: with API A at
 * {@code /p/a/{id}} and API B at {@code /q/exact} and {@code /p/**}, B sorted first and its
 * {@code /p/**} took {@code /p/a/1}, so a token scoped to B alone reached A's path. Every pattern of
 * every API is ranked on its own, so the most specific pattern across the whole catalog wins.
 */
record PatternRoute(PathPattern pattern, ApiRoute api) {

    /**
     * Spring's specificity first ({@code /a/b/**} before {@code /a/**}, literals before variables);
     * equally specific patterns by their text, then by API id, so every replica picks the same API
     * for a path two patterns could both match, whatever order the store returned them in.
     */
    static final Comparator<PatternRoute> MOST_SPECIFIC_FIRST = Comparator.comparing(
                    PatternRoute::pattern, PathPattern.SPECIFICITY_COMPARATOR)
            .thenComparing(route -> route.pattern().getPatternString())
            .thenComparing(route -> route.api().id());

    /** Every (pattern, API) pair of the catalog, most specific first. */
    static List<PatternRoute> mostSpecificFirst(Collection<ApiRoute> apis) {
        List<PatternRoute> routes = new ArrayList<>();
        for (ApiRoute api : apis) {
            for (PathPattern pattern : api.patterns()) {
                routes.add(new PatternRoute(pattern, api));
            }
        }
        routes.sort(MOST_SPECIFIC_FIRST);
        return List.copyOf(routes);
    }

    /**
     * The pattern's first segment when it is plain text ({@code campaigns} of {@code /campaigns/**}),
     * which then is the only first segment of a path it can match; null when it is a variable or
     * holds a wildcard ({@code /**}, {@code /{tenant}/x}, {@code /v?/x}), or the pattern is {@code /}.
     * Exact text, as ApiRoute's parser is case-sensitive.
     */
    String literalFirstSegment() {
        String text = pattern.getPatternString();
        if (!text.startsWith("/")) {
            return null;
        }
        int end = text.indexOf('/', 1);
        String segment = end < 0 ? text.substring(1) : text.substring(1, end);
        boolean literal =
                !segment.isEmpty() && segment.chars().noneMatch(c -> c == '{' || c == '}' || c == '*' || c == '?');
        return literal ? segment : null;
    }

    boolean matches(PathContainer path) {
        return pattern.matches(path);
    }
}
