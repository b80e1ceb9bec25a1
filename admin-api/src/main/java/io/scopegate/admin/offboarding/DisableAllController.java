package io.scopegate.admin.offboarding;

import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.security.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code POST /v1/accounts/{account}/tokens/disable-all}: many revocations in one call. */
@RestController
@Tag(name = "Scoped tokens")
@ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
@ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
class DisableAllController {

    private final Offboarding offboarding;

    DisableAllController(Offboarding offboarding) {
        this.offboarding = offboarding;
    }

    @PostMapping("/v1/accounts/{account}/tokens/disable-all")
    @Operation(
            operationId = "disableAllTokens",
            summary = "Disable every enabled token of the account, legacy tokens too ({\"all\": true}), or only the"
                    + " scoped tokens named in `sids`, in one change; it returns once the gateways refuse them")
    @ApiResponse(responseCode = "200", description = "What was disabled (tokens already disabled are not listed)")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    Mono<DisabledCredentials> disableAll(
            Actor actor, @PathVariable String account, @RequestBody(required = false) DisableAllRequest request) {
        return offboarding.disableAll(actor, account, request);
    }
}
