package io.scopegate.admin.token;

import io.scopegate.admin.security.Actor;
import jakarta.validation.Validator;
import jakarta.validation.groups.Default;
import java.net.URI;
import java.util.List;
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
class TokenController {

    record TokenList(List<TokenView> items) {
    }

    record DuplicateRequest(String name) {
    }

    record ResetRequest(Integer graceSeconds) {
    }

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
    Mono<TokenList> list(@PathVariable String account, @RequestParam(required = false) String name,
            @RequestParam(required = false) String createdOn, @RequestParam(required = false) String state) {
        return tokens.list(account, TokenListQuery.of(name, createdOn, state)).map(TokenList::new);
    }

    @PostMapping
    Mono<ResponseEntity<TokenView>> create(Actor actor, @PathVariable String account,
            @Validated({Default.class, TokenFields.Create.class}) @RequestBody TokenFields request) {
        return tokens.create(actor, account, request).map(TokenController::created);
    }

    @GetMapping("/{sid}")
    Mono<TokenView> read(@PathVariable String account, @PathVariable String sid) {
        return tokens.get(account, sid);
    }

    @PatchMapping("/{sid}")
    Mono<TokenView> update(Actor actor, @PathVariable String account, @PathVariable String sid, @RequestBody ObjectNode body) {
        return tokens.update(actor, account, sid, TokenPatch.parse(body, json, validator));
    }

    @PostMapping("/{sid}/duplicate")
    Mono<ResponseEntity<TokenView>> duplicate(Actor actor, @PathVariable String account, @PathVariable String sid,
            @RequestBody(required = false) DuplicateRequest request) {
        return tokens.duplicate(actor, account, sid, request == null ? null : request.name()).map(TokenController::created);
    }

    @PostMapping("/{sid}/reset")
    Mono<TokenView> reset(Actor actor, @PathVariable String account, @PathVariable String sid,
            @RequestBody(required = false) ResetRequest request) {
        return tokens.reset(actor, account, sid, request == null ? null : request.graceSeconds());
    }

    @PostMapping("/{sid}/upgrade-version")
    Mono<TokenView> upgradeVersion(Actor actor, @PathVariable String account, @PathVariable String sid) {
        return tokens.upgradeVersion(actor, account, sid);
    }

    @PostMapping("/{sid}/disable")
    Mono<TokenView> disable(Actor actor, @PathVariable String account, @PathVariable String sid) {
        return tokens.disable(actor, account, sid);
    }

    @PostMapping("/{sid}/enable")
    Mono<TokenView> enable(Actor actor, @PathVariable String account, @PathVariable String sid) {
        return tokens.enable(actor, account, sid);
    }

    @DeleteMapping("/{sid}")
    Mono<ResponseEntity<Void>> delete(Actor actor, @PathVariable String account, @PathVariable String sid) {
        return tokens.delete(actor, account, sid).thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).build());
    }

    @GetMapping("/{sid}/credentials")
    Mono<CredentialsView> credentials(Actor actor, @PathVariable String account, @PathVariable String sid) {
        return tokens.credentials(actor, account, sid).map(secret -> new CredentialsView(sid, secret.value()));
    }

    private static ResponseEntity<TokenView> created(TokenView view) {
        return ResponseEntity.created(URI.create("/v1/accounts/" + view.token().accountSid() + "/tokens/" + view.token().sid()))
                .body(view);
    }
}
