package io.scopegate.admin.console;

import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** The sign-in form; Spring Security's form login receives its POST (username, password, _csrf). */
@ConsoleController
class SignInController {

    @GetMapping("/console/sign-in")
    String signIn(
            @RequestParam(required = false) String error,
            @RequestParam(required = false) String signedOut,
            Model model) {
        model.addAttribute("failed", error != null);
        model.addAttribute("signedOut", signedOut != null);
        return "sign-in";
    }
}
