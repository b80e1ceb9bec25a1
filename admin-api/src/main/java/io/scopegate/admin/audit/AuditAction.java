package io.scopegate.admin.audit;

/**
 * What an admin did, and which gateway cache entry it invalidates (its {@code token_events} kind),
 * if any: the gateway reloads a token, an account's legacy tokens, or the API catalog.
 */
public enum AuditAction {
    ACCOUNT_CREATED(null),
    ADMIN_USER_SAVED(null),
    API_SAVED("API"),
    API_DELETED("API"),
    TOKEN_CREATED("TOKEN"),
    TOKEN_DUPLICATED("TOKEN"),
    TOKEN_UPDATED("TOKEN"),
    TOKEN_RESET("TOKEN"),
    TOKEN_VERSION_UPGRADED("TOKEN"),
    TOKEN_DISABLED("TOKEN"),
    TOKEN_ENABLED("TOKEN"),
    TOKEN_DELETED("TOKEN"),
    CREDENTIALS_READ(null),
    LEGACY_TOKENS_ENABLED("LEGACY_TOKEN"),
    LEGACY_TOKEN_RESET("LEGACY_TOKEN");

    private final String eventKind;

    AuditAction(String eventKind) {
        this.eventKind = eventKind;
    }

    String eventKind() {
        return eventKind;
    }
}
