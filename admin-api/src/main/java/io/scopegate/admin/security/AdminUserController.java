package io.scopegate.admin.security;

import io.scopegate.admin.security.AdminUserService.SaveUser;
import jakarta.validation.Valid;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** {@code PUT /v1/users/{username}}: operators create or replace admin users. */
@RestController
class AdminUserController {

    record UserView(String username, AdminRole role, String account) {
    }

    private final AdminUserService users;

    AdminUserController(AdminUserService users) {
        this.users = users;
    }

    @PutMapping("/v1/users/{username}")
    Mono<ResponseEntity<UserView>> save(Actor actor, @PathVariable String username, @Valid @RequestBody SaveUser request) {
        return users.save(actor, username, request)
                .map(created -> ResponseEntity.status(created ? HttpStatus.CREATED : HttpStatus.OK)
                        .body(new UserView(username, request.role(), request.account())));
    }
}
