package io.scopegate.admin.catalog;

import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.security.Actor;
import io.scopegate.admin.security.AdminRole;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
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
@Tag(
        name = "API catalog",
        description = "The upstream APIs the gateway fronts: any admin reads them, operators change them")
class CatalogController {

    record ApiList(List<ApiDefinition> items) {}

    private final CatalogService catalog;

    CatalogController(CatalogService catalog) {
        this.catalog = catalog;
    }

    @GetMapping("/v1/apis")
    @Operation(operationId = "listApis", summary = "List the API catalog")
    @ApiResponse(responseCode = "200", description = "Every API, by id (upstreamUrl for operators only)")
    Mono<ApiList> list(Actor actor) {
        return catalog.list()
                .map(apis -> new ApiList(
                        apis.stream().map(api -> forReader(actor, api)).toList()));
    }

    @GetMapping("/v1/apis/{api}")
    @Operation(operationId = "readApi", summary = "Read one API")
    @ApiResponse(responseCode = "200", description = "The API (upstreamUrl for operators only)")
    @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
    Mono<ApiDefinition> read(Actor actor, @PathVariable String api) {
        return catalog.read(api).map(found -> forReader(actor, found));
    }

    /** Account users see what they may be granted, not where the platform sends it (an internal address). */
    private static ApiDefinition forReader(Actor actor, ApiDefinition api) {
        return actor.role() == AdminRole.OPERATOR ? api : api.withoutUpstream();
    }

    @PutMapping("/v1/apis/{api}")
    @Operation(
            operationId = "saveApi",
            summary = "Create or replace an API (operators); gateways route to it within a second")
    @ApiResponse(
            responseCode = "201",
            description = "Created",
            content = @Content(schema = @Schema(implementation = ApiDefinition.class)))
    @ApiResponse(
            responseCode = "200",
            description = "Replaced",
            content = @Content(schema = @Schema(implementation = ApiDefinition.class)))
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<ResponseEntity<ApiDefinition>> save(
            Actor actor, @PathVariable String api, @Valid @RequestBody SaveApi request) {
        return catalog.save(actor, api, request)
                .map(saved -> saved.created()
                        ? ResponseEntity.created(URI.create("/v1/apis/" + api)).body(saved.api())
                        : ResponseEntity.ok(saved.api()));
    }

    @DeleteMapping("/v1/apis/{api}")
    @Operation(
            operationId = "deleteApi",
            summary = "Delete an API (operators); refused while a token holds a scope on it")
    @ApiResponse(responseCode = "204", description = "Deleted")
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<ResponseEntity<Void>> delete(Actor actor, @PathVariable String api) {
        return catalog.delete(actor, api).thenReturn(ResponseEntity.noContent().build());
    }
}
