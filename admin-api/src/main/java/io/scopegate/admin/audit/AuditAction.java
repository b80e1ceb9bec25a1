package io.scopegate.admin.audit;

import io.scopegate.store.event.StoreEvent;
import java.util.Collection;
import java.util.Map;

/**
 * What an admin did, and which gateway cache entry it invalidates (its {@code token_events} kind),
 * if any: the gateway reloads a token, an account's legacy tokens, or the API catalog.
 */
public enum AuditAction {
    ACCOUNT_CREATED(null),
    /** Failed sign-ins crossed a limit: the user or the address must wait (details say which and how long). */
    LOGIN_THROTTLED(null),
    ACCOUNT_UPDATED(null),
    WEBHOOK_SAVED(null),
    WEBHOOK_DELETED(null),
    WEBHOOK_SECRET_ROTATED(null),
    WEBHOOK_TEST_SENT(null),
    WEBHOOK_REDELIVERED(null),
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

    /**
     * Whether the call answers only once every live gateway replica has applied this change (see
     * the propagation package): every change the gateways apply but a new token's, which no replica
     * can hold an older state of (legacy tokens are issued under the account's SID, which a replica
     * may hold, so issuing them waits).
     */
    public boolean awaitsGateways() {
        return eventKind != null && this != TOKEN_CREATED && this != TOKEN_DUPLICATED;
    }

    /**
     * The notification this change makes (a {@code NotificationType} wire name), or null: token and
     * legacy-token changes notify; an edit only when it changed the scopes.
     */
    String notification(Map<String, ?> details) {
        return switch (this) {
            case TOKEN_CREATED, TOKEN_DUPLICATED -> "token.created";
            case TOKEN_DISABLED -> "token.disabled";
            case TOKEN_ENABLED -> "token.enabled";
            case TOKEN_DELETED -> "token.deleted";
            case TOKEN_RESET -> "token.reset";
            case TOKEN_UPDATED ->
                details.get("fields") instanceof Collection<?> fields && fields.contains("scopes")
                        ? "token.scopes_changed"
                        : null;
            case LEGACY_TOKEN_DISABLED -> "legacy_token.disabled";
            case LEGACY_TOKEN_ENABLED -> "legacy_token.enabled";
            case LEGACY_TOKEN_DELETED -> "legacy_token.deleted";
            case LEGACY_TOKEN_RESET -> "legacy_token.reset";
            default -> null;
        };
    }
}
