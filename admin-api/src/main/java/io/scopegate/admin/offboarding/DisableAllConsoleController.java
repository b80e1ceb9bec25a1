package io.scopegate.admin.offboarding;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.console.Confirmation;
import io.scopegate.admin.console.ConsoleController;
import io.scopegate.admin.security.Actor;
import java.time.Clock;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import reactor.core.publisher.Mono;

/**
 * The console's "Disable all tokens" (offboarding) on an account's token list: a confirmation that
 * says what stops working, then the same change as {@code POST …/tokens/disable-all}.
 */
@ConsoleController
class DisableAllConsoleController {

    private static final String TOKENS = "/console/accounts/{account}/tokens";

    private final Offboarding offboarding;
    private final AccountRepository accounts;
    private final Clock clock;

    DisableAllConsoleController(Offboarding offboarding, AccountRepository accounts, Clock clock) {
        this.offboarding = offboarding;
        this.accounts = accounts;
        this.clock = clock;
    }

    @GetMapping(TOKENS + "/confirm-disable-all")
    Mono<String> confirm(@PathVariable String account, Model model) {
        String tokens = tokensPage(account);
        return accounts.require(account)
                .zipWith(accounts.countActiveTokens(account, clock.instant()))
                .map(found -> {
                    String legacy = found.getT1().legacyEnabled() ? " and its legacy tokens" : "";
                    model.addAttribute(
                            "confirm",
                            Confirmation.of(
                                    "Disable every token of “" + found.getT1().name() + "”?",
                                    account,
                                    "Its " + found.getT2() + " active token(s)" + legacy + " stop working on every"
                                            + " gateway at once, as when an integration partner is offboarded."
                                            + " Each can be enabled again later, one at a time.",
                                    "Disable all tokens",
                                    true,
                                    tokens + "/disable-all",
                                    tokens));
                    return Confirmation.VIEW;
                });
    }

    @PostMapping(TOKENS + "/disable-all")
    Mono<String> disableAll(Actor actor, @PathVariable String account) {
        return offboarding
                .disableAll(actor, account, DisableAllRequest.everything())
                .map(disabled -> "redirect:" + tokensPage(account) + "?"
                        + (disabled.count() == 0 ? "nothingToDisable" : "disabledAll=" + disabled.count()));
    }

    private static String tokensPage(String account) {
        return "/console/accounts/" + account + "/tokens";
    }
}
