package io.scopegate.gateway.catalog;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/** One API of the catalog, ready to match requests: parsed path patterns, served methods, upstream. */
public record ApiRoute(String id, List<PathPattern> patterns, Set<String> methods, URI upstream) {

    static ApiRoute of(String id, List<String> paths, List<String> methods, String upstreamUrl) {
        PathPatternParser parser = new PathPatternParser();
        return new ApiRoute(
                id, paths.stream().map(parser::parse).toList(), Set.copyOf(methods), URI.create(upstreamUrl));
    }
}
