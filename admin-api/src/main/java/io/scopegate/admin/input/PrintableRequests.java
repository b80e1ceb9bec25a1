package io.scopegate.admin.input;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.error.ProblemWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * The REST API's path and query parameters, decoded, must be free of {@link ControlCharacters}: a
 * {@code %00} in {@code ?name=} or in an account SID reached PostgreSQL and answered 500. Refused
 * with 400 naming the parameter (or {@code path}), before authentication or any lookup.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE + 5)
class PrintableRequests implements WebFilter {

    private final ProblemWriter problems;

    PrintableRequests(ProblemWriter problems) {
        this.problems = problems;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (!request.getPath().value().startsWith("/v1/")) {
            return chain.filter(exchange);
        }
        List<FieldProblem> errors = new ArrayList<>();
        String path;
        try {
            path = UriUtils.decode(request.getURI().getRawPath(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            path = "\u0000"; // an undecodable escape is no better
        }
        if (ControlCharacters.present(path)) {
            errors.add(new FieldProblem("path", ControlCharacters.MESSAGE));
        }
        for (Map.Entry<String, List<String>> parameter :
                request.getQueryParams().entrySet()) {
            boolean bad = ControlCharacters.present(parameter.getKey())
                    || parameter.getValue().stream().anyMatch(v -> v != null && ControlCharacters.present(v));
            if (bad) {
                errors.add(new FieldProblem(printable(parameter.getKey()), ControlCharacters.MESSAGE));
            }
        }
        if (errors.isEmpty()) {
            return chain.filter(exchange);
        }
        return problems.write(exchange, ApiProblem.invalid(errors));
    }

    private static String printable(String name) {
        return name.replaceAll("\\p{Cntrl}", "?");
    }
}
