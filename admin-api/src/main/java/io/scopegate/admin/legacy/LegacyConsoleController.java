package io.scopegate.admin.legacy;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.catalog.ApiRepository;
import io.scopegate.admin.console.Confirmation;
import io.scopegate.admin.console.ConsoleController;
import io.scopegate.admin.console.FormErrors;
import io.scopegate.admin.console.FormValues;
import io.scopegate.admin.console.IssuedSecrets;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.security.Actor;
import io.scopegate.store.credential.CredentialProperties;
import io.scopegate.store.scope.LegacyKind;
import java.util.Map;
import org.springframework.ui.Model;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * The seed's "Legacy tokens" screen: "Enable legacy tokens" until they are, then a card per token
 * with its credentials (shown on request, audited), reset with confirmation and the scoped tokens'
 * other actions.
 */
@ConsoleController
class LegacyConsoleController {

    private static final String BASE = "/console/accounts/{account}/legacy-tokens";

    /** What each action does, for its confirmation. */
    private static final Map<String, String> CONSEQUENCES = Map.of(
            "reset",
            "A new auth token; the current one stops passing (at once, or after the grace period you choose)."
                    + " Update every integration that uses it.",
            "disable",
            "Gateways refuse it within a second (403 Access Denied) until it is enabled again.",
            "enable",
            "Gateways accept it again within a second.",
            "upgrade-version",
            "The token moves to the latest API version. Integrations must be ready for it.",
            "delete",
            "The token is removed for good; integrations using it are refused. Enabling legacy tokens again"
                    + " issues a new secret.");

    private final LegacyTokenService legacy;
    private final AccountRepository accounts;
    private final ApiRepository catalog;
    private final CredentialProperties credentialSettings;

    LegacyConsoleController(
            LegacyTokenService legacy,
            AccountRepository accounts,
            ApiRepository catalog,
            CredentialProperties credentialSettings) {
        this.legacy = legacy;
        this.accounts = accounts;
        this.catalog = catalog;
        this.credentialSettings = credentialSettings;
    }

    /** The page; after a change that issued secrets, with those secrets this once. */
    @GetMapping(BASE)
    Mono<String> page(@PathVariable String account, ServerWebExchange exchange, Model model) {
        return IssuedSecrets.<Map<LegacyKind, String>>take(exchange, "legacy." + account)
                .flatMap(issued -> render(account, issued.orElse(Map.of()), model));
    }

    @GetMapping(BASE + "/confirm-enable")
    Mono<String> confirmEnable(@PathVariable String account, Model model) {
        String page = "/console/accounts/" + account + "/legacy-tokens";
        return accounts.require(account).map(found -> {
            model.addAttribute(
                    "confirm",
                    Confirmation.of(
                            "Enable legacy tokens for " + found.name() + "?",
                            account,
                            "Two credentials under the account SID: a read-write one that may call every method of"
                                    + " every API, and a read-only one. Their secrets are shown once. Prefer scoped"
                                    + " tokens; delete legacy tokens you do not need.",
                            "Enable legacy tokens",
                            true,
                            page + "/enable",
                            page));
            model.addAttribute("errors", FormErrors.NONE);
            return Confirmation.VIEW;
        });
    }

    @PostMapping(BASE + "/enable")
    Mono<String> enable(Actor actor, @PathVariable String account, ServerWebExchange exchange) {
        return legacy.enable(actor, account).flatMap(list -> {
            Map<LegacyKind, String> secrets = new java.util.EnumMap<>(LegacyKind.class);
            list.tokens().stream()
                    .filter(token -> token.authToken() != null)
                    .forEach(token -> secrets.put(token.kind(), token.authToken()));
            return issued(exchange, account, secrets);
        });
    }

    /** Post/redirect/get: a reload of the page shows no secret and repeats no change. */
    private static Mono<String> issued(ServerWebExchange exchange, String account, Map<LegacyKind, String> secrets) {
        return IssuedSecrets.keep(
                exchange, "legacy." + account, Map.copyOf(secrets), "/console/accounts/" + account + "/legacy-tokens");
    }

    @PostMapping(BASE + "/{kind}/credentials")
    Mono<String> reveal(Actor actor, @PathVariable String account, @PathVariable String kind, Model model) {
        LegacyKind chosen = LegacyQueries.kindNamed(kind);
        return legacy.credentials(actor, account, chosen)
                .flatMap(secret -> render(account, Map.of(chosen, secret.value()), model));
    }

    @GetMapping(BASE + "/{kind}/confirm/{action}")
    Mono<String> confirm(
            @PathVariable String account, @PathVariable String kind, @PathVariable String action, Model model) {
        return confirmPage(account, LegacyQueries.kindNamed(kind), action, FormErrors.NONE, model);
    }

    private Mono<String> confirmPage(String account, LegacyKind chosen, String action, FormErrors errors, Model model) {
        String consequence = CONSEQUENCES.get(action);
        if (consequence == null) {
            return Mono.error(ApiProblem.notFound("No legacy token action '" + action + "'"));
        }
        String page = "/console/accounts/" + account + "/legacy-tokens";
        String label =
                Character.toUpperCase(action.charAt(0)) + action.substring(1).replace('-', ' ');
        return legacy.get(account, chosen).map(token -> {
            Confirmation confirmation = Confirmation.of(
                    label + " the " + chosen.pathSegment() + " legacy token?",
                    account + " (" + chosen.pathSegment() + ")",
                    consequence,
                    label,
                    "reset".equals(action) || "delete".equals(action),
                    page + "/" + chosen.pathSegment() + "/" + action,
                    page);
            model.addAttribute(
                    "confirm",
                    switch (action) {
                        case "reset" -> confirmation.withGrace();
                        case "enable" -> confirmation.withResetOption();
                        default -> confirmation;
                    });
            model.addAttribute("errors", errors);
            return Confirmation.VIEW;
        });
    }

    @PostMapping(BASE + "/{kind}/{action:reset|disable|enable|upgrade-version|delete}")
    Mono<String> act(
            Actor actor,
            @PathVariable String account,
            @PathVariable String kind,
            @PathVariable String action,
            ServerWebExchange exchange,
            Model model) {
        LegacyKind chosen = LegacyQueries.kindNamed(kind);
        String page = "redirect:/console/accounts/" + account + "/legacy-tokens";
        return exchange.getFormData()
                .flatMap(form -> perform(actor, account, chosen, action, form, page, exchange)
                        .onErrorResume(
                                ApiProblem.class,
                                problem -> problem.getStatusCode().value() == 404
                                        ? Mono.error(problem)
                                        : confirmPage(account, chosen, action, FormErrors.of(problem), model)));
    }

    private Mono<String> perform(
            Actor actor,
            String account,
            LegacyKind chosen,
            String action,
            MultiValueMap<String, String> form,
            String page,
            ServerWebExchange exchange) {
        return Mono.defer(() -> switch (action) {
            case "reset" ->
                legacy.reset(actor, account, chosen, FormValues.graceSeconds(form))
                        .flatMap(token -> issued(exchange, account, Map.of(chosen, token.authToken())));
            case "disable" -> legacy.disable(actor, account, chosen).thenReturn(page + "?disabled=1");
            case "enable" ->
                legacy.enable(actor, account, chosen, "on".equals(form.getFirst("reset")))
                        .flatMap(token -> token.authToken() != null
                                ? issued(exchange, account, Map.of(chosen, token.authToken()))
                                : Mono.just(page + "?enabled=1"));
            case "upgrade-version" ->
                legacy.upgradeVersion(actor, account, chosen, null).thenReturn(page + "?upgraded=1");
            default -> legacy.delete(actor, account, chosen).thenReturn(page + "?deleted=1");
        });
    }

    /** @param secrets auth tokens to show on this response only (just issued, reset or revealed) */
    private Mono<String> render(String account, Map<LegacyKind, String> secrets, Model model) {
        return Mono.zip(accounts.require(account), legacy.list(account), catalog.latestVersion())
                .map(found -> {
                    model.addAttribute("account", found.getT1());
                    model.addAttribute("legacy", found.getT2());
                    model.addAttribute("latest", found.getT3());
                    model.addAttribute("secrets", secrets);
                    model.addAttribute("retrievable", credentialSettings.retrievable());
                    return "legacy-tokens";
                });
    }
}
