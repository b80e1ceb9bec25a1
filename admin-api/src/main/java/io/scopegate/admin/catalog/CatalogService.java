package io.scopegate.admin.catalog;

import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.outbound.OutboundAddresses;
import io.scopegate.admin.security.Actor;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Changes to the API catalog. Each runs in one transaction with its audit row and its gateway event,
 * under a catalog-wide lock so two concurrent writers cannot both claim one path.
 */
@Service
class CatalogService {

    /** A stored API, and whether this save created it (201) or replaced it (200). */
    record SavedApi(ApiDefinition api, boolean created) {}

    private final ApiRepository catalog;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final Clock clock;
    private final CatalogProperties settings;

    CatalogService(
            ApiRepository catalog,
            ChangeLog changes,
            TransactionalOperator tx,
            Clock clock,
            CatalogProperties settings) {
        this.catalog = catalog;
        this.changes = changes;
        this.tx = tx;
        this.clock = clock;
        this.settings = settings;
    }

    Mono<List<ApiDefinition>> list() {
        return catalog.all().collectList();
    }

    Mono<ApiDefinition> read(String id) {
        return catalog.find(id).switchIfEmpty(Mono.defer(() -> Mono.error(ApiProblem.notFound("No API " + id))));
    }

    Mono<SavedApi> save(Actor actor, String id, SaveApi request) {
        ApiDefinition definition = request.definition(id, clock.instant());
        return checkedUpstream(definition.upstreamUrl()).then(tx.transactional(upsert(actor, definition)));
    }

    Mono<Void> delete(Actor actor, String id) {
        return tx.transactional(catalog.lockCatalog()
                .then(ensureNotInUse(id))
                .then(catalog.delete(id))
                .flatMap(count -> count == 0
                        ? Mono.error(ApiProblem.notFound("No API " + id))
                        : changes.record(actor, AuditAction.API_DELETED, null, id, Map.of())));
    }

    /**
     * Where the upstream points (resolving its name, off the event loop): never link-local or metadata,
     * loopback and private only where allowed; a name that does not resolve yet is accepted.
     */
    private Mono<Void> checkedUpstream(String url) {
        return Mono.fromCallable(() -> Optional.ofNullable(OutboundAddresses.addressProblem(
                        url, settings.allowPrivateUpstreams(), CatalogProperties.ALLOW_PRIVATE, true)))
                .subscribeOn(Schedulers.boundedElastic())
                .timeout(Duration.ofSeconds(10))
                .flatMap(problem -> problem.isPresent()
                        ? Mono.error(ApiProblem.invalid("upstreamUrl", problem.get()))
                        : Mono.empty());
    }

    /**
     * The API as stored (what was asked, with the row's times), read back from the upsert itself: the
     * save used to read the row again after the commit, one more round trip per registration.
     */
    private Mono<SavedApi> upsert(Actor actor, ApiDefinition api) {
        return catalog.lockCatalog()
                .then(ensurePathsFree(api))
                .then(ensureGrantedMethodsKept(api))
                .then(catalog.upsert(api))
                .flatMap(upserted -> changes.record(actor, AuditAction.API_SAVED, null, api.id(), savedDetails(api))
                        .thenReturn(new SavedApi(stored(api, upserted), upserted.created())));
    }

    private static ApiDefinition stored(ApiDefinition api, ApiRepository.Upserted upserted) {
        return new ApiDefinition(
                api.id(),
                api.name(),
                api.paths(),
                api.methods(),
                api.upstreamUrl(),
                api.latestVersion(),
                api.websocket(),
                api.mutualTls(),
                upserted.createdAt(),
                upserted.updatedAt());
    }

    private static Map<String, Object> savedDetails(ApiDefinition api) {
        return Map.of(
                "paths",
                api.paths(),
                "methods",
                api.methods(),
                "upstreamUrl",
                api.upstreamUrl(),
                "latestVersion",
                api.latestVersion(),
                "websocket",
                api.websocket(),
                "mutualTls",
                api.mutualTls());
    }

    private Mono<Void> ensurePathsFree(ApiDefinition api) {
        return catalog.otherOwnerOfPaths(api.id(), api.paths())
                .flatMap(owner -> Mono.error(ApiProblem.conflict(
                        "Path already routed", "API " + owner + " already serves one of these path patterns")));
    }

    /** Never leave a token holding a scope the catalog no longer serves. */
    private Mono<Void> ensureGrantedMethodsKept(ApiDefinition api) {
        return catalog.methodsInUse(api.id())
                .filter(method -> !api.methods().contains(method))
                .collectList()
                .flatMap(dropped -> dropped.isEmpty()
                        ? Mono.empty()
                        : Mono.error(ApiProblem.conflict(
                                "Method in use",
                                "Tokens still hold " + api.id() + " scopes for " + String.join(", ", dropped))));
    }

    /** An API goes only once no token holds a scope on it, so no token is left pointing nowhere. */
    private Mono<Void> ensureNotInUse(String id) {
        return catalog.methodsInUse(id)
                .collectList()
                .flatMap(inUse -> inUse.isEmpty()
                        ? Mono.empty()
                        : Mono.error(ApiProblem.conflict(
                                "API in use",
                                "Tokens still hold scopes on " + id + " (" + String.join(", ", inUse)
                                        + "); remove them first")));
    }
}
