package io.scopegate.store.scope;

import java.util.Locale;

/**
 * The two legacy credentials of an account. They predate scopes, so their access is fixed:
 * every method on every API, or only reads.
 */
public enum LegacyKind {
    READ_WRITE("read-write"),
    READ_ONLY("read-only");

    private final String pathSegment;

    LegacyKind(String pathSegment) {
        this.pathSegment = pathSegment;
    }

    public String pathSegment() {
        return pathSegment;
    }

    /**
     * The id of this account's legacy token of this kind in usage rows and metrics:
     * {@code <accountSid>:<KIND>}. The gateway writes it, the admin API reads it.
     */
    public String usageKey(String accountSid) {
        return accountSid + ":" + name();
    }

    public boolean permits(String method) {
        String upper = method.toUpperCase(Locale.ROOT);
        return this == READ_WRITE || "GET".equals(upper) || "HEAD".equals(upper);
    }

    public static LegacyKind fromPathSegment(String segment) {
        for (LegacyKind kind : values()) {
            if (kind.pathSegment.equals(segment)) {
                return kind;
            }
        }
        return null;
    }
}
