package io.scopegate.admin.console;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.lifecycle.StoreFailures;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatusCode;
import org.springframework.security.web.server.csrf.CsrfToken;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.ModelAttribute;
import org.springframework.web.reactive.result.view.Rendering;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriUtils;
import reactor.core.publisher.Mono;

/**
 * What every console page has in its model (the signed-in user, the CSRF token for its forms) and
 * how a failure becomes a page: a refusal with its status and reason, anything unexpected logged and
 * shown as "something went wrong" without details.
 */
@ControllerAdvice(annotations = ConsoleController.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleAdvice {

    private static final Logger log = LoggerFactory.getLogger(ConsoleAdvice.class);
    private static final ConsoleFormat FORMAT = new ConsoleFormat();

    @ModelAttribute
    Mono<Void> common(ServerWebExchange exchange, Model model, Actor actor) {
        if (actor != null) { // null on the sign-in page
            model.addAttribute("me", ConsoleUser.of(actor));
        }
        model.addAttribute("fmt", FORMAT);
        // Which notice a redirect asked for (?saved=1, ?deleted=1, ...): th:if on ${param.x} is true
        // even when the parameter is absent, so pages test this set instead.
        model.addAttribute("notices", exchange.getRequest().getQueryParams().keySet());
        String path = exchange.getRequest().getPath().value();
        model.addAttribute("path", path);
        // The account the page belongs to, for the navigation: /console/accounts/{account}/...
        String[] segments = path.split("/");
        if (segments.length > 3 && "accounts".equals(segments[2])) {
            model.addAttribute("accountSid", UriUtils.decode(segments[3], StandardCharsets.UTF_8));
        }
        Mono<CsrfToken> token = exchange.getAttribute(CsrfToken.class.getName());
        return token == null
                ? Mono.empty()
                : token.doOnNext(csrf -> model.addAttribute("_csrf", csrf)).then();
    }

    @ExceptionHandler(ApiProblem.class)
    Rendering refused(ApiProblem problem, ServerWebExchange exchange) {
        exchange.getResponse().setStatusCode(problem.getStatusCode());
        return Rendering.view("error")
                .modelAttribute("status", problem.getStatusCode().value())
                .modelAttribute("title", problem.getBody().getTitle())
                .modelAttribute("detail", problem.getBody().getDetail())
                .build();
    }

    @ExceptionHandler(Exception.class)
    Mono<Rendering> unexpected(Exception error, ServerWebExchange exchange) {
        if (StoreFailures.isStoreFailure(error)) {
            // StoreDeadline answers these with the console's 503 page and Retry-After.
            return Mono.error(error);
        }
        log.error(
                "unhandled error on console {} {}",
                exchange.getRequest().getMethod(),
                exchange.getRequest().getPath(),
                error);
        exchange.getResponse().setStatusCode(HttpStatusCode.valueOf(500));
        return Mono.just(Rendering.view("error")
                .modelAttribute("status", 500)
                .modelAttribute("title", "Something went wrong")
                .modelAttribute("detail", "The request failed; it has been logged.")
                .build());
    }
}
