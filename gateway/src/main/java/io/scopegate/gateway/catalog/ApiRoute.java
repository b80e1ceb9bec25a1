package io.scopegate.gateway.catalog;

import java.net.URI;
import java.util.List;
import java.util.Set;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * One API of the catalog, ready to match requests: parsed path patterns, served methods, upstream, and
 * whether it accepts WebSocket upgrades (off unless the API opted in), and whether every call must come
 * with a client certificate bound to its token (mutual TLS, off unless the API opted in).
 */
public record ApiRoute(
        String id,
        List<PathPattern> patterns,
        Set<String> methods,
        URI upstream,
        boolean websocket,
        boolean mutualTls) {

    static ApiRoute of(String id, List<String> paths, List<String> methods, String upstreamUrl, boolean websocket) {
        return of(id, paths, methods, upstreamUrl, websocket, false);
    }

    static ApiRoute of(
            String id,
            List<String> paths,
            List<String> methods,
            String upstreamUrl,
            boolean websocket,
            boolean mutualTls) {
        PathPatternParser parser = new PathPatternParser();
        return new ApiRoute(
                id,
                paths.stream().map(parser::parse).toList(),
                Set.copyOf(methods),
                URI.create(upstreamUrl),
                websocket,
                mutualTls);
    }
}
