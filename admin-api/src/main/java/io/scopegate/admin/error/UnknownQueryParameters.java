package io.scopegate.admin.error;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.HandlerMapping;
import org.springframework.web.server.ServerWebExchange;

/**
 * Refuses a query parameter the endpoint does not take (400 naming it) instead of ignoring it: a
 * misspelt filter ({@code ?stat=DISABLED}) would otherwise list everything, and a paging parameter
 * an endpoint does not know would silently return another page than asked for. Runs after routing,
 * before any argument (or body) is read; the allowed names are the handler's {@code @RequestParam}s.
 */
@ControllerAdvice(annotations = RestController.class)
class UnknownQueryParameters {

    private final Map<HandlerMethod, Set<String>> allowedByHandler = new ConcurrentHashMap<>();

    @ModelAttribute
    void refuseUnknown(ServerWebExchange exchange) {
        Object handler = exchange.getAttribute(HandlerMapping.BEST_MATCHING_HANDLER_ATTRIBUTE);
        if (!(handler instanceof HandlerMethod method)
                || exchange.getRequest().getQueryParams().isEmpty()) {
            return;
        }
        Set<String> allowed = allowedByHandler.computeIfAbsent(method, UnknownQueryParameters::requestParams);
        Set<String> unknown =
                new TreeSet<>(exchange.getRequest().getQueryParams().keySet());
        unknown.removeAll(allowed);
        if (!unknown.isEmpty()) {
            String accepted = allowed.isEmpty() ? "none" : String.join(", ", new TreeSet<>(allowed));
            throw ApiProblem.invalid(unknown.stream()
                    .map(name ->
                            new FieldProblem(name, "is not a parameter of this endpoint (it takes: " + accepted + ")"))
                    .toList());
        }
    }

    private static Set<String> requestParams(HandlerMethod method) {
        return java.util.Arrays.stream(method.getMethodParameters())
                .filter(parameter -> parameter.hasParameterAnnotation(RequestParam.class))
                .map(UnknownQueryParameters::name)
                .collect(Collectors.toUnmodifiableSet());
    }

    private static String name(MethodParameter parameter) {
        RequestParam annotation = parameter.getParameterAnnotation(RequestParam.class);
        if (annotation != null && !annotation.name().isEmpty()) {
            return annotation.name();
        }
        // The compiler keeps parameter names (-parameters), as @RequestParam without a name needs too.
        return parameter.getParameter().getName();
    }
}
