package io.scopegate.admin.account;

import io.scopegate.admin.account.AccountService.CreateAccount;
import io.scopegate.admin.console.ConsoleController;
import io.scopegate.admin.console.FormErrors;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.admin.security.AdminRole;
import jakarta.validation.Validator;
import java.util.List;
import java.util.Map;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The console's entry: operators pick an account (and create one); account users go straight to
 * their account's tokens. The account's settings page shows its limit and contacts.
 */
@ConsoleController
class AccountConsoleController {

    private final AccountService accounts;
    private final AccountRepository repository;
    private final Validator validator;

    AccountConsoleController(AccountService accounts, AccountRepository repository, Validator validator) {
        this.accounts = accounts;
        this.repository = repository;
        this.validator = validator;
    }

    @GetMapping("/console")
    Mono<String> home(Actor actor, Model model) {
        if (actor.role() != AdminRole.OPERATOR) {
            return Mono.just("redirect:/console/accounts/" + actor.accountSid() + "/tokens");
        }
        return pickerPage(model, Map.of(), FormErrors.NONE);
    }

    @PostMapping("/console/platform/accounts")
    Mono<String> create(Actor actor, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            Map<String, String> typed = Map.of(
                    "sid",
                            form.getFirst("sid") == null
                                    ? ""
                                    : form.getFirst("sid").strip(),
                    "name", form.getFirst("name") == null ? "" : form.getFirst("name"));
            CreateAccount request =
                    new CreateAccount(typed.get("sid").isEmpty() ? null : typed.get("sid"), typed.get("name"));
            List<io.scopegate.admin.error.FieldProblem> problems = validator.validate(request).stream()
                    .map(v -> new io.scopegate.admin.error.FieldProblem(
                            v.getPropertyPath().toString(), v.getMessage()))
                    .toList();
            Mono<String> created = problems.isEmpty()
                    ? accounts.create(actor, request)
                            .map(view -> "redirect:/console/accounts/" + view.sid() + "/tokens")
                    : Mono.error(ApiProblem.invalid(problems));
            return created.onErrorResume(ApiProblem.class, problem -> pickerPage(model, typed, FormErrors.of(problem)));
        });
    }

    @GetMapping("/console/accounts/{account}/settings")
    Mono<String> settings(@PathVariable String account, Model model) {
        return accounts.read(account).map(view -> {
            model.addAttribute("account", view);
            return "account-settings";
        });
    }

    private Mono<String> pickerPage(Model model, Map<String, String> typed, FormErrors errors) {
        return repository.all().collectList().map(all -> {
            model.addAttribute("accounts", all);
            model.addAttribute("typed", typed);
            model.addAttribute("errors", errors);
            return "accounts";
        });
    }
}
