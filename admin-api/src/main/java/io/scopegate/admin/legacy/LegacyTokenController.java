package io.scopegate.admin.legacy;

import io.scopegate.admin.legacy.LegacyTokenService.LegacyTokenList;
import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.scope.LegacyKind;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Positive;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/accounts/{account}/legacy-tokens}: off until enabled; enabling creates READ_WRITE and
 * READ_ONLY at once, both under the account SID. Each then has a scoped token's lifecycle on its own
 * (reset, upgrade-version, disable, enable, delete, credentials). They do not count toward the
 * active-token limit.
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

    /** {@code reset}: also give the token a new secret in the same change. */
    record EnableRequest(Boolean reset) {}

    /** {@code version}: a version above the token's, up to the latest; absent: the latest. */
    record UpgradeRequest(@Positive Integer version) {}

    record LegacyCredentialsView(String sid, LegacyKind kind, String authToken) {
        @Override
        public String toString() {
            return "LegacyCredentialsView[sid=" + sid + ", kind=" + kind + ", authToken=redacted]";
        }
    }

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

    @GetMapping("/{kind}")
    @Operation(operationId = "readLegacyToken", summary = "One legacy token (never its secret)")
    @ApiResponse(responseCode = "200", description = "The legacy token")
    Mono<LegacyToken> read(@PathVariable String account, @LegacyKindParameter @PathVariable("kind") String segment) {
        return kind(segment).flatMap(kind -> legacy.get(account, kind));
    }

    @PostMapping("/{kind}/reset")
    @Operation(operationId = "resetLegacyToken", summary = "A new secret for one legacy token")
    @ApiResponse(responseCode = "200", description = "The legacy token, with its new `authToken`")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    Mono<LegacyToken> reset(
            Actor actor,
            @PathVariable String account,
            @LegacyKindParameter @PathVariable("kind") String segment,
            @RequestBody(required = false) ResetRequest request) {
        return kind(segment)
                .flatMap(kind -> legacy.reset(actor, account, kind, request == null ? null : request.graceSeconds()));
    }

    @PostMapping("/{kind}/upgrade-version")
    @Operation(
            operationId = "upgradeLegacyTokenVersion",
            summary = "Move the legacy token to a newer API version: the one named, or the latest; never down")
    @ApiResponse(responseCode = "200", description = "The legacy token")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<LegacyToken> upgradeVersion(
            Actor actor,
            @PathVariable String account,
            @LegacyKindParameter @PathVariable("kind") String segment,
            @Valid @RequestBody(required = false) UpgradeRequest request) {
        return kind(segment)
                .flatMap(kind ->
                        legacy.upgradeVersion(actor, account, kind, request == null ? null : request.version()));
    }

    @PostMapping("/{kind}/disable")
    @Operation(
            operationId = "disableLegacyToken",
            summary = "Disable one legacy token; gateways refuse it within a second")
    @ApiResponse(responseCode = "200", description = "The legacy token")
    Mono<LegacyToken> disable(
            Actor actor, @PathVariable String account, @LegacyKindParameter @PathVariable("kind") String segment) {
        return kind(segment).flatMap(kind -> legacy.disable(actor, account, kind));
    }

    @PostMapping("/{kind}/enable")
    @Operation(
            operationId = "enableLegacyToken",
            summary = "Enable a disabled legacy token; {\"reset\": true} also gives it a new secret")
    @ApiResponse(responseCode = "200", description = "The legacy token")
    Mono<LegacyToken> enable(
            Actor actor,
            @PathVariable String account,
            @LegacyKindParameter @PathVariable("kind") String segment,
            @RequestBody(required = false) EnableRequest request) {
        boolean reset = request != null && Boolean.TRUE.equals(request.reset());
        return kind(segment).flatMap(kind -> legacy.enable(actor, account, kind, reset));
    }

    @DeleteMapping("/{kind}")
    @Operation(
            operationId = "deleteLegacyToken",
            summary = "Delete one legacy token for good; deleting both turns legacy tokens off")
    @ApiResponse(responseCode = "204", description = "Deleted")
    Mono<ResponseEntity<Void>> delete(
            Actor actor, @PathVariable String account, @LegacyKindParameter @PathVariable("kind") String segment) {
        return kind(segment)
                .flatMap(kind -> legacy.delete(actor, account, kind))
                .thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).build());
    }

    @GetMapping("/{kind}/credentials")
    @Operation(operationId = "readLegacyTokenCredentials", summary = "Show the legacy token's secret again (audited)")
    @ApiResponse(responseCode = "200", description = "The account SID (the Basic username) and the secret")
    @ApiResponse(responseCode = "410", ref = ProblemResponses.GONE)
    Mono<LegacyCredentialsView> credentials(
            Actor actor, @PathVariable String account, @LegacyKindParameter @PathVariable("kind") String segment) {
        return kind(segment)
                .flatMap(kind -> legacy.credentials(actor, account, kind)
                        .map(secret -> new LegacyCredentialsView(account, kind, secret.value())));
    }

    private static Mono<LegacyKind> kind(String segment) {
        return Mono.fromCallable(() -> LegacyQueries.kindNamed(segment));
    }
}
