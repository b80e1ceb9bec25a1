package io.scopegate.admin.token;

import io.scopegate.admin.catalog.ApiDefinition;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.store.scope.Scope;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** Checks requested scopes against the catalog: every API must exist and serve every method named. */
@Component
class ScopeResolver {

    private final ApiRepository catalog;

    ScopeResolver(ApiRepository catalog) {
        this.catalog = catalog;
    }

    Mono<List<Scope>> resolve(List<ScopeRequest> requested) {
        if (requested == null || requested.isEmpty()) {
            return Mono.just(List.of());
        }
        return catalog.all().collectMap(ApiDefinition::id, Function.identity()).map(apis -> check(requested, apis));
    }

    private static List<Scope> check(List<ScopeRequest> requested, Map<String, ApiDefinition> apis) {
        List<FieldProblem> errors = new ArrayList<>();
        List<Scope> scopes = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requested.size(); i++) {
            ScopeRequest scope = requested.get(i);
            ApiDefinition api = apis.get(scope.api());
            if (api == null) {
                errors.add(new FieldProblem("scopes[" + i + "].api", "no API '" + scope.api() + "' in the catalog"));
                continue;
            }
            if (!seen.add(api.id())) {
                errors.add(new FieldProblem(
                        "scopes[" + i + "].api", "'" + api.id() + "' is listed twice; list its methods once"));
                continue;
            }
            Set<String> methods = scope.methods().stream()
                    .map(m -> m.toUpperCase(Locale.ROOT))
                    .collect(Collectors.toCollection(TreeSet::new));
            Set<String> unserved = new TreeSet<>(methods);
            unserved.removeAll(api.methods());
            if (!unserved.isEmpty()) {
                errors.add(new FieldProblem(
                        "scopes[" + i + "].methods",
                        "API '" + api.id() + "' does not serve " + String.join(", ", unserved) + " (it serves "
                                + String.join(", ", api.methods()) + ")"));
                continue;
            }
            scopes.add(new Scope(api.id(), methods));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return List.copyOf(scopes);
    }
}
