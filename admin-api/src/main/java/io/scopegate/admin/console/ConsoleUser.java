package io.scopegate.admin.console;

import io.scopegate.admin.security.Actor;
import io.scopegate.admin.security.AdminRole;

/** Who is signed in, as the pages need it: the navigation differs for operators and account users. */
public record ConsoleUser(String username, AdminRole role, String accountSid) {

    static ConsoleUser of(Actor actor) {
        return new ConsoleUser(actor.username(), actor.role(), actor.accountSid());
    }

    public boolean operator() {
        return role == AdminRole.OPERATOR;
    }

    public boolean accountAdmin() {
        return role == AdminRole.OPERATOR || role == AdminRole.ACCOUNT_ADMIN;
    }
}
