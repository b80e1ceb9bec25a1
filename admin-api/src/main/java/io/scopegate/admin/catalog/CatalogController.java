package io.scopegate.admin.catalog;

import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.scope.Scope;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.transaction.reactive.TransactionalOperator;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.pattern.PatternParseException;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;

/** The API catalog: any admin reads it (to choose scopes); operators change it. */
@RestController
class CatalogController {

    static final Pattern API_ID = Pattern.compile("[a-z][a-z0-9-]{0,63}");

    record SaveApi(@NotBlank @Size(max = 200) String name,
                   @NotEmpty @Size(max = 50) List<@NotBlank @Size(max = 500) String> paths,
                   @NotEmpty List<@NotBlank String> methods,
                   @NotBlank @Size(max = 2048) String upstreamUrl,
                   @NotNull @Positive @Max(10_000) Integer latestVersion) {
    }

    record ApiList(List<ApiDefinition> items) {
    }

    private final ApiRepository catalog;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Clock clock;

    CatalogController(ApiRepository catalog, ChangeLog changes, TransactionalOperator tx, Clock clock) {
        this.catalog = catalog;
        this.changes = changes;
        this.tx = tx;
        this.clock = clock;
    }

    @GetMapping("/v1/apis")
    Mono<ApiList> list() {
        return catalog.all().collectList().map(ApiList::new);
    }

    @GetMapping("/v1/apis/{api}")
    Mono<ApiDefinition> read(@PathVariable String api) {
        return catalog.find(api).switchIfEmpty(Mono.defer(() -> Mono.error(ApiProblem.notFound("No API " + api))));
    }

    @PutMapping("/v1/apis/{api}")
    Mono<ResponseEntity<ApiDefinition>> save(Actor actor, @PathVariable String api, @Valid @RequestBody SaveApi request) {
        Instant now = clock.instant();
        ApiDefinition definition = validated(api, request, now);
        Mono<Boolean> saved = catalog.lockCatalog()
                .then(ensurePathsFree(definition))
                .then(ensureGrantedMethodsKept(definition))
                .then(catalog.upsert(definition))
                .flatMap(created -> changes.record(actor, AuditAction.API_SAVED, null, api,
                                Map.of("paths", definition.paths(), "methods", definition.methods(),
                                        "upstreamUrl", definition.upstreamUrl(), "latestVersion", definition.latestVersion()))
                        .thenReturn(created));
        return tx.transactional(saved)
                .flatMap(created -> catalog.find(api)
                        .map(stored -> created
                                ? ResponseEntity.created(URI.create("/v1/apis/" + api)).body(stored)
                                : ResponseEntity.ok(stored)));
    }

    @DeleteMapping("/v1/apis/{api}")
    Mono<ResponseEntity<Void>> delete(Actor actor, @PathVariable String api) {
        Mono<Void> deleted = catalog.lockCatalog()
                .then(catalog.methodsInUse(api).collectList())
                .flatMap(inUse -> inUse.isEmpty() ? catalog.delete(api) : Mono.error(ApiProblem.conflict("API in use",
                        "Tokens still hold scopes on " + api + " (" + String.join(", ", inUse) + "); remove them first")))
                .flatMap(count -> count == 0 ? Mono.error(ApiProblem.notFound("No API " + api))
                        : changes.record(actor, AuditAction.API_DELETED, null, api, Map.of()));
        return tx.transactional(deleted).thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).build());
    }

    private static ApiDefinition validated(String api, SaveApi request, Instant now) {
        List<FieldProblem> errors = new ArrayList<>();
        if (!API_ID.matcher(api).matches()) {
            errors.add(new FieldProblem("api", "must be lower-case letters, digits and '-', starting with a letter"));
        }
        PathPatternParser parser = new PathPatternParser();
        for (int i = 0; i < request.paths().size(); i++) {
            String path = request.paths().get(i);
            if (!path.startsWith("/")) {
                errors.add(new FieldProblem("paths[" + i + "]", "must start with /"));
                continue;
            }
            try {
                parser.parse(path);
            } catch (PatternParseException e) {
                errors.add(new FieldProblem("paths[" + i + "]", "is not a valid path pattern: " + e.getMessage()));
            }
        }
        LinkedHashSet<String> methods = new LinkedHashSet<>();
        for (int i = 0; i < request.methods().size(); i++) {
            String method = request.methods().get(i).toUpperCase(Locale.ROOT);
            if (!Scope.KNOWN_METHODS.contains(method)) {
                errors.add(new FieldProblem("methods[" + i + "]", "must be one of " + Scope.KNOWN_METHODS));
            }
            methods.add(method);
        }
        if (!isHttpUrl(request.upstreamUrl())) {
            errors.add(new FieldProblem("upstreamUrl", "must be an absolute http or https URL without query or fragment"));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new ApiDefinition(api, request.name().strip(), List.copyOf(new LinkedHashSet<>(request.paths())),
                List.copyOf(methods), request.upstreamUrl(), request.latestVersion(), now, now);
    }

    private static boolean isHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null
                    && uri.getQuery() == null && uri.getFragment() == null && uri.getUserInfo() == null;
        } catch (Exception e) {
            return false;
        }
    }

    private Mono<Void> ensurePathsFree(ApiDefinition api) {
        return catalog.otherOwnerOfPaths(api.id(), api.paths())
                .flatMap(owner -> Mono.error(ApiProblem.conflict("Path already routed",
                        "API " + owner + " already serves one of these path patterns")));
    }

    /** Never leave a token holding a scope the catalog no longer serves. */
    private Mono<Void> ensureGrantedMethodsKept(ApiDefinition api) {
        return catalog.methodsInUse(api.id())
                .filter(method -> !api.methods().contains(method))
                .collectList()
                .flatMap(dropped -> dropped.isEmpty() ? Mono.empty() : Mono.error(ApiProblem.conflict("Method in use",
                        "Tokens still hold " + api.id() + " scopes for " + String.join(", ", dropped))));
    }
}
