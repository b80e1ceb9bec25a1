package io.scopegate.admin.catalog;

import io.scopegate.admin.console.ConsoleController;
import io.scopegate.admin.console.FormErrors;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.scope.Scope;
import jakarta.validation.Validator;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Operators' API catalog: the APIs the gateways route, registered and edited with the REST API's rules. */
@ConsoleController
class CatalogConsoleController {

    /** The form as typed; paths one per line. */
    record ApiForm(
            String id,
            String name,
            String paths,
            List<String> methods,
            String upstreamUrl,
            String latestVersion,
            boolean websocket,
            boolean mutualTls) {

        static final ApiForm EMPTY = new ApiForm("", "", "", List.of("GET"), "", "1", false, false);

        static ApiForm of(ApiDefinition api) {
            return new ApiForm(
                    api.id(),
                    api.name(),
                    String.join("\n", api.paths()),
                    api.methods(),
                    api.upstreamUrl(),
                    Integer.toString(api.latestVersion()),
                    api.websocket(),
                    api.mutualTls());
        }

        static ApiForm read(MultiValueMap<String, String> form) {
            return new ApiForm(
                    text(form, "id").strip(),
                    text(form, "name"),
                    text(form, "paths"),
                    form.getOrDefault("methods", List.of()),
                    text(form, "upstreamUrl").strip(),
                    text(form, "latestVersion").strip(),
                    // A checkbox: sent only when ticked.
                    "true".equals(form.getFirst("websocket")),
                    "true".equals(form.getFirst("mutualTls")));
        }

        public boolean serves(String method) {
            return methods.contains(method);
        }

        private static String text(MultiValueMap<String, String> form, String field) {
            String value = form.getFirst(field);
            return value == null ? "" : value;
        }
    }

    private final CatalogService catalog;
    private final Validator validator;

    CatalogConsoleController(CatalogService catalog, Validator validator) {
        this.catalog = catalog;
        this.validator = validator;
    }

    @GetMapping("/console/platform/apis")
    Mono<String> list(Model model) {
        return page(ApiForm.EMPTY, false, FormErrors.NONE, null, model);
    }

    @GetMapping("/console/platform/apis/{id}")
    Mono<String> edit(@PathVariable String id, Model model) {
        return catalog.read(id).flatMap(api -> page(ApiForm.of(api), true, FormErrors.NONE, null, model));
    }

    @PostMapping("/console/platform/apis")
    Mono<String> save(Actor actor, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(input -> {
            ApiForm form = ApiForm.read(input);
            boolean editing = "true".equals(input.getFirst("editing"));
            // Registering never replaces: an id that exists is edited from its own page.
            Mono<Void> newOrEditing = editing
                    ? Mono.empty()
                    : catalog.read(form.id())
                            .onErrorResume(ApiProblem.class, notFound -> Mono.empty())
                            .flatMap(existing -> Mono.error(ApiProblem.invalid(
                                    "api", "exists already: open " + existing.id() + " in the list to edit it")));
            return newOrEditing
                    .then(Mono.fromCallable(() -> request(form)))
                    .flatMap(request -> catalog.save(actor, form.id(), request))
                    .flatMap(saved -> page(
                            ApiForm.EMPTY,
                            false,
                            FormErrors.NONE,
                            (saved.created() ? "Registered " : "Updated ") + form.id()
                                    + ": the gateways route it within a second.",
                            model))
                    .onErrorResume(
                            ApiProblem.class, problem -> page(form, editing, FormErrors.of(problem), null, model));
        });
    }

    private SaveApi request(ApiForm form) {
        Integer version;
        try {
            version = form.latestVersion().isEmpty() ? null : Integer.valueOf(form.latestVersion());
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid("latestVersion", "must be a whole number");
        }
        List<String> paths = Arrays.stream(form.paths().split("\\R"))
                .map(String::strip)
                .filter(path -> !path.isEmpty())
                .toList();
        SaveApi request = new SaveApi(
                form.name(), paths, form.methods(), form.upstreamUrl(), version, form.websocket(), form.mutualTls());
        List<FieldProblem> problems = validator.validate(request).stream()
                .map(v -> new FieldProblem(v.getPropertyPath().toString(), v.getMessage()))
                .toList();
        if (!problems.isEmpty()) {
            throw ApiProblem.invalid(problems);
        }
        return request;
    }

    private Mono<String> page(ApiForm form, boolean editing, FormErrors errors, String saved, Model model) {
        return catalog.list().map(all -> {
            model.addAttribute("apis", all);
            model.addAttribute("form", form);
            model.addAttribute("editing", editing);
            model.addAttribute("errors", errors);
            model.addAttribute("saved", saved);
            model.addAttribute("knownMethods", new TreeSet<>(Scope.KNOWN_METHODS));
            return "apis";
        });
    }
}
