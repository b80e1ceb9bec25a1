package io.scopegate.gateway.catalog;

import java.net.URI;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/** One API of the catalog, ready to match requests: parsed path patterns, served methods, upstream. */
public record ApiRoute(String id, List<PathPattern> patterns, Set<String> methods, URI upstream) {

    /** Routes with more specific patterns are tried first, so {@code /a/b/**} wins over {@code /a/**}. */
    static final Comparator<ApiRoute> MOST_SPECIFIC_FIRST = Comparator.comparing(
            route -> route.patterns().stream()
                    .min(PathPattern.SPECIFICITY_COMPARATOR)
                    .orElseThrow(),
            PathPattern.SPECIFICITY_COMPARATOR);

    static ApiRoute of(String id, List<String> paths, List<String> methods, String upstreamUrl) {
        PathPatternParser parser = new PathPatternParser();
        return new ApiRoute(
                id, paths.stream().map(parser::parse).toList(), Set.copyOf(methods), URI.create(upstreamUrl));
    }

    boolean matches(PathContainer path) {
        for (PathPattern pattern : patterns) {
            if (pattern.matches(path)) {
                return true;
            }
        }
        return false;
    }
}
