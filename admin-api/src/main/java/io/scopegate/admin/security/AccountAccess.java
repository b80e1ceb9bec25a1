package io.scopegate.admin.security;

import java.util.EnumSet;
import java.util.Set;
import org.springframework.security.authorization.AuthorizationDecision;
import org.springframework.security.authorization.AuthorizationResult;
import org.springframework.security.authorization.ReactiveAuthorizationManager;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.authorization.AuthorizationContext;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/accounts/{account}/**}: operators reach every account, account users only their own.
 * Decided before the body is read, so another account's path is 403 whatever is sent and whether
 * or not that account exists, and account SIDs cannot be probed.
 */
final class AccountAccess implements ReactiveAuthorizationManager<AuthorizationContext> {

    private final Set<AdminRole> accountRoles;

    private AccountAccess(Set<AdminRole> accountRoles) {
        this.accountRoles = accountRoles;
    }

    /** Operators, and every user of the account. */
    static AccountAccess anyRole() {
        return new AccountAccess(EnumSet.of(AdminRole.ACCOUNT_ADMIN, AdminRole.IMPLEMENTATION_SPECIALIST));
    }

    /** Operators, and the account's admins. */
    static AccountAccess admins() {
        return new AccountAccess(EnumSet.of(AdminRole.ACCOUNT_ADMIN));
    }

    @Override
    public Mono<AuthorizationResult> authorize(Mono<Authentication> authentication, AuthorizationContext context) {
        Object account = context.getVariables().get("account");
        return authentication
                .filter(Authentication::isAuthenticated)
                .map(Authentication::getPrincipal)
                .ofType(AdminPrincipal.class)
                .map(admin -> admin.role() == AdminRole.OPERATOR
                        || accountRoles.contains(admin.role())
                                && admin.accountSid() != null
                                && admin.accountSid().equals(account))
                .defaultIfEmpty(false)
                .map(AuthorizationDecision::new);
    }
}
