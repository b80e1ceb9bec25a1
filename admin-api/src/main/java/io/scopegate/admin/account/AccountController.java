package io.scopegate.admin.account;

import io.scopegate.admin.account.AccountService.AccountView;
import io.scopegate.admin.account.AccountService.CreateAccount;
import io.scopegate.admin.security.Actor;
import jakarta.validation.Valid;
import java.net.URI;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Accounts: created by operators, read by operators and the account's own users. */
@RestController
class AccountController {

    private final AccountService accounts;

    AccountController(AccountService accounts) {
        this.accounts = accounts;
    }

    @PostMapping("/v1/accounts")
    Mono<ResponseEntity<AccountView>> create(Actor actor, @Valid @RequestBody CreateAccount request) {
        return accounts.create(actor, request)
                .map(view -> ResponseEntity.created(URI.create("/v1/accounts/" + view.sid())).body(view));
    }

    @GetMapping("/v1/accounts/{account}")
    Mono<AccountView> read(@PathVariable String account) {
        return accounts.read(account);
    }
}
