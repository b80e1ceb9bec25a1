package io.scopegate.admin.security;

import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.security.AdminUserService.SaveUser;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;

/** {@code PUT /v1/users/{username}}: operators create or replace admin users. */
@RestController
@Tag(name = "Admin users", description = "Who may use this API, with which role and, for account roles, which account")
class AdminUserController {

    /** {@code account} is null for an OPERATOR. */
    record UserView(
            String username,
            AdminRole role,
            @Schema(nullable = true) String account,
            @Schema(nullable = true) String email) {}

    private final AdminUserService users;

    AdminUserController(AdminUserService users) {
        this.users = users;
    }

    @PutMapping("/v1/users/{username}")
    @Operation(operationId = "saveAdminUser", summary = "Create or replace an admin user (operators)")
    @ApiResponse(
            responseCode = "201",
            description = "Created",
            content = @Content(schema = @Schema(implementation = UserView.class)))
    @ApiResponse(
            responseCode = "200",
            description = "Replaced",
            content = @Content(schema = @Schema(implementation = UserView.class)))
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<ResponseEntity<UserView>> save(
            Actor actor, @PathVariable String username, @Valid @RequestBody SaveUser request) {
        return users.save(actor, username, request).map(created -> {
            UserView view = new UserView(username, request.role(), request.account(), request.email());
            return created ? ResponseEntity.created(userUri(username)).body(view) : ResponseEntity.ok(view);
        });
    }

    private static URI userUri(String username) {
        return UriComponentsBuilder.fromPath("/v1/users/{username}")
                .buildAndExpand(username)
                .encode()
                .toUri();
    }
}
