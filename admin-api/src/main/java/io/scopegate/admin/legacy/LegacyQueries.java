package io.scopegate.admin.legacy;

import io.scopegate.admin.catalog.ApiDefinition;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Read access to an account's legacy tokens for other features (usage reports); no writes. */
@Component
public class LegacyQueries {

    private final LegacyTokenRepository legacy;

    LegacyQueries(LegacyTokenRepository legacy) {
        this.legacy = legacy;
    }

    /** The kind a path segment names; an unknown one is a 404, as a path that does not exist. */
    public static LegacyKind kindNamed(String segment) {
        LegacyKind kind = LegacyKind.fromPathSegment(segment);
        if (kind == null) {
            throw ApiProblem.notFound("No legacy token kind '" + segment + "'; use read-write or read-only");
        }
        return kind;
    }

    /** 404 when the account has no legacy token of this kind. */
    public Mono<LegacyToken> require(String account, LegacyKind kind) {
        return legacy.find(account, kind)
                .switchIfEmpty(Mono.defer(() -> Mono.error(LegacyTokenService.notFound(account, kind))));
    }

    public Flux<LegacyToken> all(String account) {
        return legacy.list(account);
    }

    /**
     * What a legacy token of this kind may do, written as scopes: every method each API serves, or
     * only its reads. Legacy tokens hold no scope rows; this is what their usage is measured against.
     */
    public static List<Scope> effectiveScopes(LegacyKind kind, List<ApiDefinition> catalog) {
        return catalog.stream()
                .map(api -> new Scope(api.id(), permitted(kind, api.methods())))
                .filter(scope -> !scope.methods().isEmpty())
                .toList();
    }

    private static Set<String> permitted(LegacyKind kind, List<String> methods) {
        return methods.stream().filter(kind::permits).collect(Collectors.toSet());
    }
}
