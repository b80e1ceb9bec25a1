package io.scopegate.admin.catalog;

import io.scopegate.admin.security.Actor;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** The API catalog: any admin reads it (to choose scopes); operators change it. */
@RestController
class CatalogController {

    record ApiList(List<ApiDefinition> items) {
    }

    private final CatalogService catalog;

    CatalogController(CatalogService catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v1/apis")
    Mono<ApiList> list() {
        return catalog.list().map(ApiList::new);
    }

    @GetMapping("/v1/apis/{api}")
    Mono<ApiDefinition> read(@PathVariable String api) {
        return catalog.read(api);
    }

    @PutMapping("/v1/apis/{api}")
    Mono<ResponseEntity<ApiDefinition>> save(Actor actor, @PathVariable String api, @Valid @RequestBody SaveApi request) {
        return catalog.save(actor, api, request)
                .map(saved -> saved.created()
                        ? ResponseEntity.created(URI.create("/v1/apis/" + api)).body(saved.api())
                        : ResponseEntity.ok(saved.api()));
    }

    @DeleteMapping("/v1/apis/{api}")
    Mono<ResponseEntity<Void>> delete(Actor actor, @PathVariable String api) {
        return catalog.delete(actor, api).thenReturn(ResponseEntity.noContent().build());
    }
}
