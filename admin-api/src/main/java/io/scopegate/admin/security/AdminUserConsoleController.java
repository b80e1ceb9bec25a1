package io.scopegate.admin.security;

import io.scopegate.admin.account.Account;
import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.console.ConsoleController;
import io.scopegate.admin.console.FormErrors;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.security.AdminUserService.SaveUser;
import jakarta.validation.Validator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Operators' admin users screen: every user, and one form that creates a user or replaces one
 * (role, account, email and a new password: how an operator changes a role or resets a password).
 */
@ConsoleController
class AdminUserConsoleController {

    private final AdminUserService service;
    private final AdminUserRepository users;
    private final AccountRepository accounts;
    private final Validator validator;

    AdminUserConsoleController(
            AdminUserService service, AdminUserRepository users, AccountRepository accounts, Validator validator) {
        this.service = service;
        this.users = users;
        this.accounts = accounts;
        this.validator = validator;
    }

    @GetMapping("/console/platform/users")
    Mono<String> list(
            @RequestParam(required = false) String created,
            @RequestParam(required = false) String updated,
            Model model) {
        String saved = created != null ? "User created." : updated != null ? "User updated." : null;
        return page(Map.of(), FormErrors.NONE, saved, model);
    }

    @PostMapping("/console/platform/users")
    Mono<String> save(Actor actor, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(form -> {
            Map<String, String> typed = typed(form);
            // Replacing a user (its role, account, email and password) is asked for, never implied.
            boolean replace = "on".equals(form.getFirst("replace"));
            Mono<Void> newOrReplacing = replace
                    ? Mono.empty()
                    : users.find(typed.get("username"))
                            .flatMap(existing -> Mono.error(ApiProblem.invalid(
                                    "username",
                                    "exists already: tick \"Replace the existing user\" to change its role, account,"
                                            + " email and password")));
            return newOrReplacing
                    .then(Mono.fromCallable(() -> request(typed)))
                    .flatMap(request -> service.save(actor, typed.get("username"), request))
                    // Redirected, so reloading the page cannot post the password again.
                    .map(created -> "redirect:/console/platform/users?" + (created ? "created" : "updated") + "=1")
                    .onErrorResume(ApiProblem.class, problem -> page(typed, FormErrors.of(problem), null, model));
        });
    }

    /** Every problem with the form at once, so one submit shows them all. */
    private SaveUser request(Map<String, String> typed) {
        List<FieldProblem> problems = new java.util.ArrayList<>();
        AdminRole role = null;
        try {
            role = AdminRole.valueOf(typed.get("role").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            problems.add(
                    new FieldProblem("role", "choose a role: account admin, implementation specialist or operator"));
        }
        SaveUser request = new SaveUser(
                typed.get("password"),
                role,
                typed.get("account").isBlank() ? null : typed.get("account").strip(),
                typed.get("email").isBlank() ? null : typed.get("email").strip());
        validator.validate(request).stream()
                .filter(v -> !"role".equals(v.getPropertyPath().toString()))
                .forEach(v -> problems.add(new FieldProblem(v.getPropertyPath().toString(), v.getMessage())));
        if (role != null && role != AdminRole.OPERATOR) {
            if (request.account() == null) {
                problems.add(new FieldProblem("account", "is required for an account's users"));
            }
            if (request.email() == null) {
                problems.add(new FieldProblem("email", "is required for an account's users"));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiProblem.invalid(problems);
        }
        return request;
    }

    /** What was typed, to show again after a refusal; never the password. */
    private static Map<String, String> typed(MultiValueMap<String, String> form) {
        Map<String, String> typed = new LinkedHashMap<>();
        for (String field : List.of("username", "role", "account", "email", "password")) {
            String value = form.getFirst(field);
            typed.put(field, value == null ? "" : value);
        }
        return typed;
    }

    private Mono<String> page(Map<String, String> typed, FormErrors errors, String saved, Model model) {
        Map<String, String> shown = new LinkedHashMap<>(typed);
        shown.remove("password");
        return Mono.zip(
                        users.all().collectList(),
                        accounts.all().map(Account::sid).collectList())
                .map(found -> {
                    List<AdminUserRepository.Listed> all = found.getT1();
                    model.addAttribute("accounts", found.getT2());
                    model.addAttribute("users", all);

                    // Account roles first: a platform-wide OPERATOR is the exception, never the default.
                    model.addAttribute(
                            "roles",
                            List.of(AdminRole.ACCOUNT_ADMIN, AdminRole.IMPLEMENTATION_SPECIALIST, AdminRole.OPERATOR));
                    model.addAttribute("typed", shown);
                    model.addAttribute("errors", errors);
                    model.addAttribute("saved", saved);
                    return "users";
                });
    }
}
