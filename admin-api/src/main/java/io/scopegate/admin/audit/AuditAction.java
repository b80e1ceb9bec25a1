package io.scopegate.admin.audit;

import io.scopegate.store.event.StoreEvent;

/**
 * What an admin did, and which gateway cache entry it invalidates (its {@code token_events} kind),
 * if any: the gateway reloads a token, an account's legacy tokens, or the API catalog.
 */
public enum AuditAction {
    ACCOUNT_CREATED(null),
    ACCOUNT_UPDATED(null),
    ADMIN_USER_SAVED(null),
    API_SAVED(StoreEvent.Kind.API),
    API_DELETED(StoreEvent.Kind.API),
    TOKEN_CREATED(StoreEvent.Kind.TOKEN),
    TOKEN_DUPLICATED(StoreEvent.Kind.TOKEN),
    TOKEN_UPDATED(StoreEvent.Kind.TOKEN),
    TOKEN_RESET(StoreEvent.Kind.TOKEN),
    TOKEN_VERSION_UPGRADED(StoreEvent.Kind.TOKEN),
    TOKEN_DISABLED(StoreEvent.Kind.TOKEN),
    TOKEN_ENABLED(StoreEvent.Kind.TOKEN),
    TOKEN_DELETED(StoreEvent.Kind.TOKEN),
    CREDENTIALS_READ(null),
    LEGACY_TOKENS_ENABLED(StoreEvent.Kind.LEGACY_TOKEN),
    LEGACY_TOKEN_RESET(StoreEvent.Kind.LEGACY_TOKEN),
    LEGACY_TOKEN_VERSION_UPGRADED(StoreEvent.Kind.LEGACY_TOKEN),
    LEGACY_TOKEN_DISABLED(StoreEvent.Kind.LEGACY_TOKEN),
    LEGACY_TOKEN_ENABLED(StoreEvent.Kind.LEGACY_TOKEN),
    LEGACY_TOKEN_DELETED(StoreEvent.Kind.LEGACY_TOKEN);

    private final StoreEvent.Kind eventKind;

    AuditAction(StoreEvent.Kind eventKind) {
        this.eventKind = eventKind;
    }

    StoreEvent.Kind eventKind() {
        return eventKind;
    }
}
