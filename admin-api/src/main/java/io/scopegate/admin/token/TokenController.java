package io.scopegate.admin.token;

import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.paging.Page;
import io.scopegate.admin.paging.PageLimit;
import io.scopegate.admin.security.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import jakarta.validation.constraints.Positive;
import jakarta.validation.groups.Default;
import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.validation.annotation.Validated;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** {@code /v1/accounts/{account}/tokens}: the scoped-token lifecycle over HTTP. */
@RestController
@RequestMapping("/v1/accounts/{account}/tokens")
@Tag(
        name = "Scoped tokens",
        description = "An account's scoped tokens: at most 20 active (enabled, not expired) per account")
@ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
@ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
class TokenController {

    /** The most tokens a page holds, and the default. */
    static final int MAX_LIMIT = 100;

    record DuplicateRequest(String name) {}

    record ResetRequest(Integer graceSeconds) {}

    /** {@code reset}: also give the token a new secret in the same change. */
    record EnableRequest(Boolean reset) {}

    /** {@code version}: a version above the token's, up to the latest; absent: the latest. */
    record UpgradeRequest(@Positive Integer version) {}

    record CredentialsView(String sid, String authToken) {
        @Override
        public String toString() {
            return "CredentialsView[sid=" + sid + ", authToken=redacted]";
        }
    }

    private final TokenService tokens;
    private final JsonMapper json;
    private final Validator validator;

    TokenController(TokenService tokens, JsonMapper json, Validator validator) {
        this.tokens = tokens;
        this.json = json;
        this.validator = validator;
    }

    @GetMapping
    @Operation(
            operationId = "listTokens",
            summary = "List the account's tokens, newest first, a page at a time; `next` is the following"
                    + " page's cursor")
    @ApiResponse(responseCode = "200", description = "A page of the tokens that match every filter given")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    Mono<Page<TokenView>> list(
            @PathVariable String account,
            @RequestParam(required = false) String name,
            @Parameter(schema = @Schema(allowableValues = {"LAST_7_DAYS", "LAST_30_DAYS", "MORE_THAN_30_DAYS"}))
                    @RequestParam(required = false)
                    String createdOn,
            @Parameter(schema = @Schema(allowableValues = {"ENABLED", "DISABLED"})) @RequestParam(required = false)
                    String state,
            @Parameter(description = "Tokens per page, 1–" + MAX_LIMIT) @RequestParam(defaultValue = "" + MAX_LIMIT)
                    int limit,
            @Parameter(description = "The `next` of the previous page, with the same filters")
                    @RequestParam(required = false)
                    String cursor) {
        TokenListQuery query = TokenListQuery.of(name, createdOn, state);
        return tokens.list(account, query, PageLimit.check(limit, MAX_LIMIT), cursor);
    }

    @PostMapping
    @Operation(operationId = "createToken", summary = "Create a token; the response shows its secret")
    @ApiResponse(
            responseCode = "201",
            description = "Created, with `authToken`",
            content = @Content(schema = @Schema(implementation = TokenView.class)))
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<ResponseEntity<TokenView>> create(
            Actor actor,
            @PathVariable String account,
            @Validated({Default.class, TokenFields.Create.class}) @RequestBody TokenFields request) {
        return tokens.create(actor, account, request).map(TokenController::created);
    }

    @GetMapping("/{sid}")
    @Operation(operationId = "readToken", summary = "Read a token (never its secret)")
    @ApiResponse(responseCode = "200", description = "The token")
    Mono<TokenView> read(@PathVariable String account, @PathVariable String sid) {
        return tokens.get(account, sid);
    }

    @PatchMapping("/{sid}")
    @Operation(
            operationId = "updateToken",
            summary = "Change the fields present; null clears one, scopes [] clears all",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(ref = TokenSchemas.PATCH_REF))))
    @ApiResponse(responseCode = "200", description = "The changed token")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<TokenView> update(
            Actor actor, @PathVariable String account, @PathVariable String sid, @RequestBody ObjectNode body) {
        return tokens.update(actor, account, sid, TokenPatch.parse(body, json, validator));
    }

    @PostMapping("/{sid}/duplicate")
    @Operation(
            operationId = "duplicateToken",
            summary = "A new token with the same scopes and settings, a new SID and secret")
    @ApiResponse(
            responseCode = "201",
            description = "Created, with `authToken`",
            content = @Content(schema = @Schema(implementation = TokenView.class)))
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<ResponseEntity<TokenView>> duplicate(
            Actor actor,
            @PathVariable String account,
            @PathVariable String sid,
            @RequestBody(required = false) DuplicateRequest request) {
        return tokens.duplicate(actor, account, sid, request == null ? null : request.name())
                .map(TokenController::created);
    }

    @PostMapping("/{sid}/reset")
    @Operation(
            operationId = "resetToken",
            summary = "A new secret, same SID; the old one stops now or after graceSeconds (max 7 days)")
    @ApiResponse(responseCode = "200", description = "The token, with its new `authToken`")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    Mono<TokenView> reset(
            Actor actor,
            @PathVariable String account,
            @PathVariable String sid,
            @RequestBody(required = false) ResetRequest request) {
        return tokens.reset(actor, account, sid, request == null ? null : request.graceSeconds());
    }

    @PostMapping("/{sid}/upgrade-version")
    @Operation(
            operationId = "upgradeTokenVersion",
            summary = "Move the token to a newer API version: the one named, or the latest; never down")
    @ApiResponse(responseCode = "200", description = "The token")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<TokenView> upgradeVersion(
            Actor actor,
            @PathVariable String account,
            @PathVariable String sid,
            @Valid @RequestBody(required = false) UpgradeRequest request) {
        return tokens.upgradeVersion(actor, account, sid, request == null ? null : request.version());
    }

    @PostMapping("/{sid}/disable")
    @Operation(operationId = "disableToken", summary = "Disable the token; gateways refuse it within a second")
    @ApiResponse(responseCode = "200", description = "The token")
    Mono<TokenView> disable(Actor actor, @PathVariable String account, @PathVariable String sid) {
        return tokens.disable(actor, account, sid);
    }

    @PostMapping("/{sid}/enable")
    @Operation(
            operationId = "enableToken",
            summary = "Enable the token within the active-token limit; {\"reset\": true} also gives it a new secret")
    @ApiResponse(responseCode = "200", description = "The token")
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<TokenView> enable(
            Actor actor,
            @PathVariable String account,
            @PathVariable String sid,
            @RequestBody(required = false) EnableRequest request) {
        return tokens.enable(actor, account, sid, request != null && Boolean.TRUE.equals(request.reset()));
    }

    @DeleteMapping("/{sid}")
    @Operation(operationId = "deleteToken", summary = "Delete the token for good")
    @ApiResponse(responseCode = "204", description = "Deleted")
    Mono<ResponseEntity<Void>> delete(Actor actor, @PathVariable String account, @PathVariable String sid) {
        return tokens.delete(actor, account, sid)
                .thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).build());
    }

    @GetMapping("/{sid}/credentials")
    @Operation(operationId = "readTokenCredentials", summary = "Show the token's secret again (audited)")
    @ApiResponse(responseCode = "200", description = "The SID and secret")
    @ApiResponse(responseCode = "410", ref = ProblemResponses.GONE)
    Mono<CredentialsView> credentials(Actor actor, @PathVariable String account, @PathVariable String sid) {
        return tokens.credentials(actor, account, sid).map(secret -> new CredentialsView(sid, secret.value()));
    }

    private static ResponseEntity<TokenView> created(TokenView view) {
        return ResponseEntity.created(URI.create("/v1/accounts/" + view.token().accountSid() + "/tokens/"
                        + view.token().sid()))
                .body(view);
    }
}
