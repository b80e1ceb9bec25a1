package io.scopegate.store.scope;

import java.util.Collections;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** One API and the HTTP methods a token may use on it, e.g. {@code campaigns: GET, POST}. */
public record Scope(String api, Set<String> methods) {

    /** The methods a scope or an API may name. TRACE and CONNECT are never forwarded. */
    public static final Set<String> KNOWN_METHODS = Set.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS");

    public Scope {
        Objects.requireNonNull(api, "api");
        methods = Collections.unmodifiableSortedSet(new TreeSet<>(methods));
    }

    /** {@code HEAD} is a {@code GET} without a body, so a scope that grants GET grants HEAD too. */
    public boolean permits(String api, String method) {
        if (!this.api.equals(api)) {
            return false;
        }
        String upper = method.toUpperCase(Locale.ROOT);
        return methods.contains(upper) || ("HEAD".equals(upper) && methods.contains("GET"));
    }

    /** Deny by default: true only when some scope in the list grants this API and method. */
    public static boolean anyPermits(Iterable<Scope> scopes, String api, String method) {
        for (Scope scope : scopes) {
            if (scope.permits(api, method)) {
                return true;
            }
        }
        return false;
    }
}
