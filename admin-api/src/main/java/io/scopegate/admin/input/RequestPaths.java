package io.scopegate.admin.input;

import java.nio.charset.StandardCharsets;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.UriUtils;

/** A request's path as routing and access rules see it: decoded ({@code /%761/} is {@code /v1/}). */
public final class RequestPaths {

    private RequestPaths() {}

    /** The decoded path, or null when it cannot be decoded (an escape that is no escape). */
    public static String decoded(ServerHttpRequest request) {
        try {
            return UriUtils.decode(request.getPath().pathWithinApplication().value(), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            return null;
        }
    }

    /** Under {@code /console}: the console's own chain, with CSRF tokens and HTML errors. */
    public static boolean isConsole(ServerHttpRequest request) {
        String path = decoded(request);
        return path != null && (path.equals("/console") || path.startsWith("/console/"));
    }
}
