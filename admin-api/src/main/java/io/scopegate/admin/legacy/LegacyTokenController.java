package io.scopegate.admin.legacy;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.legacy.LegacyTokenService.LegacyTokenList;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.scope.LegacyKind;
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
class LegacyTokenController {

    record ResetRequest(Integer graceSeconds) {
    }

    private final LegacyTokenService legacy;

    LegacyTokenController(LegacyTokenService legacy) {
        this.legacy = legacy;
    }

    @GetMapping
    Mono<LegacyTokenList> list(@PathVariable String account) {
        return legacy.list(account);
    }

    @PostMapping("/enable")
    Mono<ResponseEntity<LegacyTokenList>> enable(Actor actor, @PathVariable String account) {
        return legacy.enable(actor, account)
                .map(body -> ResponseEntity.created(URI.create("/v1/accounts/" + account + "/legacy-tokens")).body(body));
    }

    @PostMapping("/{kind}/reset")
    Mono<LegacyToken> reset(Actor actor, @PathVariable String account, @PathVariable("kind") String segment,
            @RequestBody(required = false) ResetRequest request) {
        LegacyKind kind = LegacyKind.fromPathSegment(segment);
        if (kind == null) {
            return Mono.error(ApiProblem.notFound("No legacy token kind '" + segment + "'; use read-write or read-only"));
        }
        return legacy.reset(actor, account, kind, request == null ? null : request.graceSeconds());
    }
}
