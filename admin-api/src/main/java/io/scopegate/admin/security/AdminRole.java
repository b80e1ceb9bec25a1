package io.scopegate.admin.security;

/**
 * OPERATOR runs the platform (accounts, admin users, the API catalog, every account). The two account
 * roles manage their own account's tokens; they are equal here, as in the product they come from.
 */
public enum AdminRole {
    OPERATOR,
    ACCOUNT_ADMIN,
    IMPLEMENTATION_SPECIALIST
}
