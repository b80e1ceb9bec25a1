package io.scopegate.admin.console;

import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The sign-in form; Spring Security's form login receives its POST (username, password, _csrf).
 * {@code error}: wrong credentials; {@code signedOut}: after sign-out; {@code expired}: the session
 * ended because the user's access changed.
 */
@ConsoleController
class SignInController {

    @GetMapping("/console/sign-in")
    String signIn(
            @RequestParam(required = false) String error,
            @RequestParam(required = false) String signedOut,
            @RequestParam(required = false) String expired,
            @RequestParam(required = false) String throttled,
            Model model) {
        model.addAttribute("throttled", throttled != null);
        model.addAttribute("failed", error != null);
        model.addAttribute("signedOut", signedOut != null);
        model.addAttribute("expired", expired != null);
        return "sign-in";
    }
}
