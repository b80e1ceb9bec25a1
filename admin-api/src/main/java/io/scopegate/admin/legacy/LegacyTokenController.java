package io.scopegate.admin.legacy;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.legacy.LegacyTokenService.LegacyTokenList;
import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.scope.LegacyKind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/accounts/{account}/legacy-tokens}: off until enabled; enabling creates READ_WRITE and
 * READ_ONLY at once, both under the account SID; each resets on its own. They do not count toward
 * the active-token limit.
 */
@RestController
@RequestMapping("/v1/accounts/{account}/legacy-tokens")
@Tag(
        name = "Legacy tokens",
        description = "An account's two older credentials, under the account SID; off until enabled")
@ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
@ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
class LegacyTokenController {

    record ResetRequest(Integer graceSeconds) {}

    private final LegacyTokenService legacy;

    LegacyTokenController(LegacyTokenService legacy) {
        this.legacy = legacy;
    }

    @GetMapping
    @Operation(
            operationId = "listLegacyTokens",
            summary = "Whether legacy tokens are on, and both of them (never their secrets)")
    @ApiResponse(responseCode = "200", description = "The legacy tokens")
    Mono<LegacyTokenList> list(@PathVariable String account) {
        return legacy.list(account);
    }

    @PostMapping("/enable")
    @Operation(
            operationId = "enableLegacyTokens",
            summary = "Create both legacy tokens; the response shows their secrets")
    @ApiResponse(
            responseCode = "201",
            description = "Created, each with its `authToken`",
            content = @Content(schema = @Schema(implementation = LegacyTokenList.class)))
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<ResponseEntity<LegacyTokenList>> enable(Actor actor, @PathVariable String account) {
        return legacy.enable(actor, account)
                .map(body -> ResponseEntity.created(URI.create("/v1/accounts/" + account + "/legacy-tokens"))
                        .body(body));
    }

    @PostMapping("/{kind}/reset")
    @Operation(operationId = "resetLegacyToken", summary = "A new secret for one legacy token")
    @ApiResponse(responseCode = "200", description = "The legacy token, with its new `authToken`")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    Mono<LegacyToken> reset(
            Actor actor,
            @PathVariable String account,
            @Parameter(name = "kind", schema = @Schema(allowableValues = {"read-write", "read-only"}))
                    @PathVariable("kind")
                    String segment,
            @RequestBody(required = false) ResetRequest request) {
        LegacyKind kind = LegacyKind.fromPathSegment(segment);
        if (kind == null) {
            return Mono.error(
                    ApiProblem.notFound("No legacy token kind '" + segment + "'; use read-write or read-only"));
        }
        return legacy.reset(actor, account, kind, request == null ? null : request.graceSeconds());
    }
}
