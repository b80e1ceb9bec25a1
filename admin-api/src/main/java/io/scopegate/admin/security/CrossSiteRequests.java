package io.scopegate.admin.security;

import io.scopegate.admin.error.ProblemType;
import io.scopegate.admin.error.ProblemWriter;
import io.scopegate.admin.input.ControlCharacters;
import io.scopegate.admin.input.RequestPaths;
import java.net.URI;
import java.util.Locale;
import java.util.Set;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * The REST API's defence against cross-site request forgery. It keeps no cookie, but a browser that
 * has HTTP Basic credentials for it sends them with any request, so another site's page could submit a
 * form (or a {@code text/plain} fetch, which needs no preflight) to {@code …/disable}. Every
 * state-changing call outside {@code /console} is therefore refused (before authentication) when the browser
 * says it comes from another site ({@code Sec-Fetch-Site}), when its {@code Origin} is not this
 * server's, or when it carries a {@code Content-Type} that is not JSON — which no page can send
 * cross-site without a CORS preflight this server never grants. Clients such as curl send none of
 * these headers and are unaffected. The console has its own CSRF tokens.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 10)
class CrossSiteRequests implements WebFilter {

    private static final Set<HttpMethod> SAFE = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS);
    private static final Set<String> SAME_SITE_FETCHES = Set.of("same-origin", "none");

    private final ProblemWriter problems;

    CrossSiteRequests(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        // Judged on the decoded path, as routing and access rules see it (/%761/… is /v1/…); every path
        // but the console's, whose forms carry CSRF tokens of their own.
        if (SAFE.contains(request.getMethod()) || RequestPaths.isConsole(request)) {
            return chain.filter(exchange);
        }
        HttpHeaders headers = request.getHeaders();
        String site = headers.getFirst("Sec-Fetch-Site");
        if (site != null && !SAME_SITE_FETCHES.contains(site.toLowerCase(Locale.ROOT))) {
            return problems.write(
                    exchange,
                    ProblemType.CROSS_SITE,
                    "The browser says this request comes from another site (Sec-Fetch-Site: " + site
                            + "); the admin API takes changes only from its own pages and from API clients");
        }
        String origin = headers.getFirst(HttpHeaders.ORIGIN);
        if (origin != null && !sameOrigin(origin, request.getURI())) {
            return problems.write(
                    exchange,
                    ProblemType.CROSS_SITE,
                    "Origin " + printable(origin) + " is not this server; the admin API takes changes only from its"
                            + " own pages and from API clients");
        }
        MediaType type;
        try {
            type = headers.getContentType();
        } catch (org.springframework.http.InvalidMediaTypeException malformed) {
            type = MediaType.APPLICATION_OCTET_STREAM;
        }
        if (type != null && !isJson(type)) {
            return problems.write(
                    exchange,
                    ProblemType.UNSUPPORTED_MEDIA_TYPE,
                    "Send the body as application/json (Content-Type: " + printable(type.toString())
                            + " is not taken)");
        }
        return chain.filter(exchange);
    }

    private static boolean isJson(MediaType type) {
        return MediaType.APPLICATION_JSON.isCompatibleWith(type)
                || ("application".equals(type.getType()) && type.getSubtype().endsWith("+json"));
    }

    /** Scheme, host and port as this request reached the server. */
    private static boolean sameOrigin(String origin, URI self) {
        try {
            URI claimed = URI.create(origin.strip());
            return claimed.getScheme() != null
                    && claimed.getScheme().equalsIgnoreCase(self.getScheme())
                    && claimed.getHost() != null
                    && claimed.getHost().equalsIgnoreCase(self.getHost())
                    && port(claimed) == port(self);
        } catch (IllegalArgumentException notAUri) {
            return false; // "null" (a sandboxed page or a file) among them
        }
    }

    private static int port(URI uri) {
        if (uri.getPort() != -1) {
            return uri.getPort();
        }
        return "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    private static String printable(String text) {
        String clean = ControlCharacters.printable(text);
        return clean.length() > 100 ? clean.substring(0, 100) + "…" : clean;
    }
}
