package io.scopegate.admin.token;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.console.Confirmation;
import io.scopegate.admin.console.ConsoleController;
import io.scopegate.admin.console.FormErrors;
import io.scopegate.admin.console.FormValues;
import io.scopegate.admin.console.IssuedSecrets;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.credential.CredentialProperties;
import jakarta.validation.Validator;
import jakarta.validation.groups.Default;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The console's token screens (the seed's "Manage tokens"): the list with its filters and More menu,
 * the create form with the scope picker, and the token page's Overview, API Credentials and API
 * Scopes tabs. Every change goes through {@link TokenService}, as the REST API's do; a refused form
 * comes back as typed, each message beside its field.
 */
@ConsoleController
class TokenConsoleController {

    private static final int PAGE_SIZE = 20;
    private static final String BASE = "/console/accounts/{account}/tokens";

    private final TokenService tokens;
    private final AccountRepository accounts;
    private final ApiRepository catalog;
    private final TokenProperties limits;
    private final CredentialProperties credentialSettings;
    private final JsonMapper json;
    private final Validator validator;

    TokenConsoleController(
            TokenService tokens,
            AccountRepository accounts,
            ApiRepository catalog,
            TokenProperties limits,
            CredentialProperties credentialSettings,
            JsonMapper json,
            Validator validator) {
        this.tokens = tokens;
        this.accounts = accounts;
        this.catalog = catalog;
        this.limits = limits;
        this.credentialSettings = credentialSettings;
        this.json = json;
        this.validator = validator;
    }

    @GetMapping(BASE)
    Mono<String> list(
            @PathVariable String account,
            @RequestParam(required = false) String name,
            @RequestParam(required = false) String createdOn,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String cursor,
            Model model) {
        TokenListQuery query = TokenListQuery.of(name, createdOn, state);
        return Mono.zip(
                        accounts.require(account),
                        accounts.countActiveTokens(account, java.time.Instant.now()),
                        tokens.list(account, query, PAGE_SIZE, cursor))
                .map(found -> {
                    model.addAttribute("account", found.getT1());
                    model.addAttribute("active", found.getT2());
                    model.addAttribute("limit", limits.maxActivePerAccount());
                    model.addAttribute("atLimit", found.getT2() >= limits.maxActivePerAccount());
                    model.addAttribute("page", found.getT3());
                    model.addAttribute(
                            "filters",
                            Map.of(
                                    "name", name == null ? "" : name,
                                    "createdOn", createdOn == null ? "" : createdOn.toUpperCase(java.util.Locale.ROOT),
                                    "state", state == null ? "" : state.toUpperCase(java.util.Locale.ROOT)));
                    model.addAttribute(
                            "filtered", query.name() != null || query.createdOn() != null || query.state() != null);
                    model.addAttribute(
                            "nextPage",
                            found.getT3().next() == null
                                    ? null
                                    : UriComponentsBuilder.fromPath("/console/accounts/" + account + "/tokens")
                                            .queryParamIfPresent("name", java.util.Optional.ofNullable(name))
                                            .queryParamIfPresent("createdOn", java.util.Optional.ofNullable(createdOn))
                                            .queryParamIfPresent("state", java.util.Optional.ofNullable(state))
                                            .queryParam("cursor", found.getT3().next())
                                            .build()
                                            .toUriString());
                    model.addAttribute("firstPage", cursor != null);
                    return "tokens";
                });
    }

    @GetMapping(BASE + "/new")
    Mono<String> newToken(@PathVariable String account, Model model) {
        return formPage(account, TokenForm.EMPTY, FormErrors.NONE, model);
    }

    @PostMapping(BASE)
    Mono<String> create(Actor actor, @PathVariable String account, ServerWebExchange exchange, Model model) {
        return exchange.getFormData().flatMap(input -> {
            TokenForm form = TokenForm.read(input);
            return Mono.fromCallable(() -> validCreate(form.createBody(json)))
                    .flatMap(fields -> tokens.create(actor, account, fields))
                    .flatMap(view -> issued(exchange, view, "created"))
                    .onErrorResume(
                            ApiProblem.class,
                            problem -> formPage(account, form, FormErrors.of(TokenForm.onFormInputs(problem)), model));
        });
    }

    @GetMapping(BASE + "/{sid}")
    Mono<String> overview(@PathVariable String account, @PathVariable String sid, Model model) {
        return tokens.get(account, sid)
                .flatMap(view -> overviewPage(view, TokenForm.of(view.token()), FormErrors.NONE, model));
    }

    @PostMapping(BASE + "/{sid}")
    Mono<String> updateSettings(
            Actor actor,
            @PathVariable String account,
            @PathVariable String sid,
            ServerWebExchange exchange,
            Model model) {
        return patchFromForm(
                actor,
                account,
                sid,
                exchange,
                form -> form.settingsBody(json, true),
                "",
                (view, form, errors) -> overviewPage(view, form, errors, model));
    }

    @GetMapping(BASE + "/{sid}/credentials")
    Mono<String> credentials(@PathVariable String account, @PathVariable String sid, Model model) {
        return tokens.get(account, sid).map(view -> credentialsPage(view, null, model));
    }

    @PostMapping(BASE + "/{sid}/credentials")
    Mono<String> reveal(Actor actor, @PathVariable String account, @PathVariable String sid, Model model) {
        return tokens.credentials(actor, account, sid)
                .zipWith(tokens.get(account, sid))
                .map(pair -> credentialsPage(pair.getT2(), pair.getT1().value(), model));
    }

    @GetMapping(BASE + "/{sid}/scopes")
    Mono<String> scopes(@PathVariable String account, @PathVariable String sid, Model model) {
        return tokens.get(account, sid)
                .flatMap(view -> scopesPage(view, TokenForm.of(view.token()), FormErrors.NONE, model));
    }

    @PostMapping(BASE + "/{sid}/scopes")
    Mono<String> updateScopes(
            Actor actor,
            @PathVariable String account,
            @PathVariable String sid,
            ServerWebExchange exchange,
            Model model) {
        return patchFromForm(
                actor,
                account,
                sid,
                exchange,
                form -> form.scopesBody(json),
                "/scopes",
                (view, form, errors) -> scopesPage(view, form, errors, model));
    }

    /** How a tab shows its form again, with what was typed and why it was refused. */
    private interface TabPage {
        Mono<String> render(TokenView view, TokenForm form, FormErrors errors);
    }

    /**
     * A tab's form as a PATCH with the REST API's rules: saved, back to the tab with a notice;
     * refused, the tab again as typed, each message beside its field.
     */
    private Mono<String> patchFromForm(
            Actor actor,
            String account,
            String sid,
            ServerWebExchange exchange,
            java.util.function.Function<TokenForm, ObjectNode> body,
            String tab,
            TabPage page) {
        return exchange.getFormData().flatMap(input -> {
            TokenForm form = TokenForm.read(input);
            return Mono.fromCallable(() -> TokenPatch.parse(body.apply(form), json, validator))
                    .flatMap(patch -> tokens.update(actor, account, sid, patch))
                    .map(view -> "redirect:/console/accounts/" + account + "/tokens/" + sid + tab + "?saved=1")
                    .onErrorResume(
                            ApiProblem.class,
                            problem -> tokens.get(account, sid)
                                    .flatMap(view ->
                                            page.render(view, form, FormErrors.of(TokenForm.onFormInputs(problem)))));
        });
    }

    /** The confirmation step of every action in the More menu and on the tabs. */
    @GetMapping(BASE + "/{sid}/confirm/{action}")
    Mono<String> confirm(
            @PathVariable String account, @PathVariable String sid, @PathVariable String action, Model model) {
        TokenAction chosen = TokenAction.named(action);
        return tokens.get(account, sid).map(view -> confirmPage(view, chosen, null, FormErrors.NONE, model));
    }

    /** @param typedName the duplicate's name as typed, or null for the suggestion */
    private String confirmPage(TokenView view, TokenAction chosen, String typedName, FormErrors errors, Model model) {
        String tokenUrl = "/console/accounts/" + view.token().accountSid() + "/tokens/"
                + view.token().sid();
        Confirmation confirmation = Confirmation.of(
                chosen.label() + " “" + view.token().name() + "”?",
                view.token().sid(),
                chosen.consequence(),
                chosen.label(),
                chosen.dangerous(),
                tokenUrl + "/" + chosen.path(),
                tokenUrl);
        model.addAttribute(
                "confirm",
                switch (chosen) {
                    case RESET -> confirmation.withGrace();
                    case DUPLICATE ->
                        confirmation.withName(
                                typedName != null ? typedName : view.token().name() + " (copy)");
                    case ENABLE -> confirmation.withResetOption();
                    default -> confirmation;
                });
        model.addAttribute("errors", errors);
        return Confirmation.VIEW;
    }

    @PostMapping(BASE + "/{sid}/{action:disable|enable|duplicate|reset|upgrade-version|delete}")
    Mono<String> act(
            Actor actor,
            @PathVariable String account,
            @PathVariable String sid,
            @PathVariable String action,
            ServerWebExchange exchange,
            Model model) {
        String tokenPage = "redirect:/console/accounts/" + account + "/tokens/" + sid;
        TokenAction chosen = TokenAction.named(action);
        // A refusal (the limit, a name too long, a grace period out of range) comes back on the
        // confirmation, as typed, instead of an error page.
        return exchange.getFormData()
                .flatMap(form -> perform(actor, account, sid, chosen, form, tokenPage, exchange)
                        .onErrorResume(
                                ApiProblem.class,
                                problem -> tokens.get(account, sid)
                                        .map(view -> confirmPage(
                                                view, chosen, form.getFirst("name"), FormErrors.of(problem), model))));
    }

    private Mono<String> perform(
            Actor actor,
            String account,
            String sid,
            TokenAction chosen,
            MultiValueMap<String, String> form,
            String tokenPage,
            ServerWebExchange exchange) {
        return Mono.defer(() -> switch (chosen) {
            case DISABLE -> tokens.disable(actor, account, sid).thenReturn(tokenPage + "?disabled=1");
            case ENABLE ->
                tokens.enable(actor, account, sid, "on".equals(form.getFirst("reset")))
                        .flatMap(view -> view.authToken() != null
                                ? issued(exchange, view, "reset")
                                : Mono.just(tokenPage + "?enabled=1"));
            case UPGRADE_VERSION ->
                tokens.upgradeVersion(actor, account, sid, null).thenReturn(tokenPage + "?upgraded=1");
            case DELETE ->
                tokens.delete(actor, account, sid)
                        .thenReturn("redirect:/console/accounts/" + account + "/tokens?deleted=1");
            case DUPLICATE ->
                tokens.duplicate(actor, account, sid, blankToNull(form.getFirst("name")))
                        .flatMap(view -> issued(exchange, view, "duplicated"));
            case RESET ->
                tokens.reset(actor, account, sid, FormValues.graceSeconds(form))
                        .flatMap(view -> issued(exchange, view, "reset"));
        });
    }

    /** A secret just issued, kept for the page that shows it once (see {@link IssuedSecrets}). */
    private record Issued(String what, String authToken) {
        @Override
        public String toString() {
            return "Issued[what=" + what + ", authToken=redacted]";
        }
    }

    private Mono<String> issued(ServerWebExchange exchange, TokenView view, String what) {
        String sid = view.token().sid();
        return IssuedSecrets.keep(
                exchange,
                sid,
                new Issued(what, view.authToken()),
                "/console/accounts/" + view.token().accountSid() + "/tokens/" + sid + "/issued");
    }

    /** The secret of the change just made, shown this once; a reload says it was shown. */
    @GetMapping(BASE + "/{sid}/issued")
    Mono<String> issuedPage(
            @PathVariable String account, @PathVariable String sid, ServerWebExchange exchange, Model model) {
        return tokens.get(account, sid)
                .zipWith(IssuedSecrets.<Issued>take(exchange, sid))
                .map(found -> {
                    model.addAttribute("token", found.getT1().token());
                    model.addAttribute(
                            "authToken", found.getT2().map(Issued::authToken).orElse(null));
                    model.addAttribute("what", found.getT2().map(Issued::what).orElse("shown"));
                    return "token-secret";
                });
    }

    private TokenFields validCreate(ObjectNode body) {
        TokenFields fields;
        try {
            fields = json.treeToValue(body, TokenFields.class);
        } catch (JacksonException e) {
            throw ApiProblem.invalidJson(e);
        }
        List<FieldProblem> problems = new ArrayList<>();
        validator
                .validate(fields, Default.class, TokenFields.Create.class)
                .forEach(v -> problems.add(new FieldProblem(v.getPropertyPath().toString(), v.getMessage())));
        if (!problems.isEmpty()) {
            throw ApiProblem.invalid(problems);
        }
        return fields;
    }

    private Mono<String> formPage(String account, TokenForm form, FormErrors errors, Model model) {
        return Mono.zip(
                        accounts.require(account),
                        catalog.all().collectList(),
                        catalog.latestVersion(),
                        accounts.contacts(account).collectList())
                .map(found -> {
                    model.addAttribute("account", found.getT1());
                    model.addAttribute("catalog", found.getT2());
                    model.addAttribute("latest", found.getT3());
                    model.addAttribute("contacts", found.getT4());
                    model.addAttribute("form", form);
                    model.addAttribute("errors", errors);
                    return "token-new";
                });
    }

    private Mono<String> overviewPage(TokenView view, TokenForm form, FormErrors errors, Model model) {
        return accounts.contacts(view.token().accountSid()).collectList().map(contacts -> {
            tokenModel(view, "overview", model);
            model.addAttribute("form", form);
            model.addAttribute("errors", errors);
            model.addAttribute("contacts", contacts);
            return "token-overview";
        });
    }

    private String credentialsPage(TokenView view, String revealed, Model model) {
        tokenModel(view, "credentials", model);
        model.addAttribute("retrievable", credentialSettings.retrievable());
        model.addAttribute("revealed", revealed);
        return "token-credentials";
    }

    private Mono<String> scopesPage(TokenView view, TokenForm form, FormErrors errors, Model model) {
        return catalog.all().collectList().map(all -> {
            tokenModel(view, "scopes", model);
            model.addAttribute("catalog", all);
            model.addAttribute("form", form);
            model.addAttribute("errors", errors);
            return "token-scopes";
        });
    }

    private static void tokenModel(TokenView view, String tab, Model model) {
        model.addAttribute("token", view.token());
        model.addAttribute("latest", view.latestApiVersion());
        model.addAttribute("tab", tab);
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
