package io.scopegate.admin.account;

import io.scopegate.admin.account.AccountService.AccountView;
import io.scopegate.admin.account.AccountService.AutomationView;
import io.scopegate.admin.account.AccountService.CreateAccount;
import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.security.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.Validator;
import java.net.URI;
import java.util.List;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Accounts: created by operators, read by operators and the account's own users. */
@RestController
@Tag(
        name = "Accounts",
        description = "Tenants that own tokens: created by operators, read by operators and the account's users")
class AccountController {

    private final AccountService accounts;
    private final JsonMapper json;
    private final Validator validator;

    AccountController(AccountService accounts, JsonMapper json, Validator validator) {
        this.accounts = accounts;
        this.json = json;
        this.validator = validator;
    }

    @PostMapping("/v1/accounts")
    @Operation(operationId = "createAccount", summary = "Create an account (operators)")
    @ApiResponse(
            responseCode = "201",
            description = "Created",
            content = @Content(schema = @Schema(implementation = AccountView.class)))
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<ResponseEntity<AccountView>> create(Actor actor, @Valid @RequestBody CreateAccount request) {
        return accounts.create(actor, request)
                .map(view -> ResponseEntity.created(URI.create("/v1/accounts/" + view.sid()))
                        .body(view));
    }

    record ContactList(List<Contact> items) {}

    @PatchMapping("/v1/accounts/{account}")
    @Operation(
            operationId = "updateAccount",
            summary = "Change the account's contacts or email delivery (operators and the account's admins);"
                    + " null clears a contact",
            requestBody =
                    @io.swagger.v3.oas.annotations.parameters.RequestBody(
                            required = true,
                            content = @Content(schema = @Schema(implementation = AccountPatch.Fields.class))))
    @ApiResponse(responseCode = "200", description = "The account")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
    Mono<AccountView> update(Actor actor, @PathVariable String account, @RequestBody ObjectNode body) {
        return accounts.update(actor, account, AccountPatch.parse(body, json, validator));
    }

    @GetMapping("/v1/accounts/{account}/automation")
    @Operation(
            operationId = "readAccountAutomation",
            summary = "The account's clean-up rules (disable unused or unrotated tokens) and what applies with the"
                    + " platform's")
    @ApiResponse(responseCode = "200", description = "The rules")
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
    Mono<AutomationView> automation(@PathVariable String account) {
        return accounts.automation(account);
    }

    @PutMapping("/v1/accounts/{account}/automation")
    @Operation(
            operationId = "setAccountAutomation",
            summary = "Set the account's clean-up rules (operators): days turn a rule on, 0 off, null (or absent)"
                    + " leaves the platform's")
    @ApiResponse(responseCode = "200", description = "The rules")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
    Mono<AutomationView> setAutomation(
            Actor actor, @PathVariable String account, @Valid @RequestBody AccountAutomation rules) {
        return accounts.setAutomation(actor, account, rules);
    }

    @GetMapping("/v1/accounts/{account}/contacts")
    @Operation(
            operationId = "listContacts",
            summary = "Addresses a token's primary contact may be picked from: the account's users and contacts")
    @ApiResponse(responseCode = "200", description = "The candidates, each address once")
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
    Mono<ContactList> contacts(@PathVariable String account) {
        return accounts.contacts(account).map(ContactList::new);
    }

    @GetMapping("/v1/accounts/{account}")
    @Operation(
            operationId = "readAccount",
            summary = "Read an account: active-token count and limit, legacy tokens, contacts")
    @ApiResponse(responseCode = "200", description = "The account")
    @ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
    @ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
    Mono<AccountView> read(@PathVariable String account) {
        return accounts.read(account);
    }
}
