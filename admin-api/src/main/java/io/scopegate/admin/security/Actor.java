package io.scopegate.admin.security;

import io.scopegate.admin.error.ApiProblem;

/**
 * Who is making this admin request and from where: the input to every access decision and every
 * audit record. Controllers receive it as an argument.
 */
public record Actor(String username, AdminRole role, String accountSid, String sourceIp) {

    public boolean isOperator() {
        return role == AdminRole.OPERATOR;
    }

    public void requireOperator() {
        if (!isOperator()) {
            throw ApiProblem.forbidden();
        }
    }

    /**
     * Operators reach every account; account users only their own. Another account's path is 403
     * whether or not it exists, so account SIDs cannot be probed.
     */
    public void requireAccount(String account) {
        if (!isOperator() && !account.equals(accountSid)) {
            throw ApiProblem.forbidden();
        }
    }
}
