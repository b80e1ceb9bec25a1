package io.scopegate.admin.input;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.error.ProblemWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.stereotype.Component;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Mono;

/**
 * Every request's path, query parameters and form fields (the console's), decoded, must be free of
 * {@link ControlCharacters}: a {@code %00} in {@code ?name=}, an account SID or a console form reached
 * PostgreSQL and answered 500. Refused with 400 naming the parameter (or {@code path}), before
 * authentication or any lookup.
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
        List<FieldProblem> errors = new ArrayList<>();
        String path = RequestPaths.decoded(request);
        if (path == null || ControlCharacters.present(path)) {
            errors.add(new FieldProblem("path", ControlCharacters.MESSAGE));
        }
        check(request.getQueryParams(), errors);
        if (!errors.isEmpty()) {
            return problems.write(exchange, ApiProblem.invalid(errors));
        }
        MediaType type = contentType(request);
        if (type == null || !MediaType.APPLICATION_FORM_URLENCODED.isCompatibleWith(type)) {
            return chain.filter(exchange);
        }
        // The console's forms: read (and cached by WebFlux for the handler) before anything uses them.
        return exchange.getFormData().flatMap(form -> {
            check(form, errors);
            return errors.isEmpty() ? chain.filter(exchange) : problems.write(exchange, ApiProblem.invalid(errors));
        });
    }

    private static void check(MultiValueMap<String, String> parameters, List<FieldProblem> errors) {
        for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
            boolean bad = ControlCharacters.present(parameter.getKey())
                    || parameter.getValue().stream().anyMatch(v -> v != null && ControlCharacters.present(v));
            if (bad) {
                errors.add(
                        new FieldProblem(ControlCharacters.printable(parameter.getKey()), ControlCharacters.MESSAGE));
            }
        }
    }

    private static MediaType contentType(ServerHttpRequest request) {
        try {
            return request.getHeaders().getContentType();
        } catch (org.springframework.http.InvalidMediaTypeException malformed) {
            return null;
        }
    }
}
