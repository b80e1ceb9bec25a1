package io.scopegate.store.scope;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * How a token's scopes come out of the store: {@code token_scopes} holds one row per (API, method),
 * and both services read them aggregated per token with {@link #AGGREGATE} as {@code "api method"}
 * pairs, then {@link #group} them back to one {@link Scope} per API.
 */
public final class ScopeRows {

    /**
     * The select expression over {@code token_scopes} giving one token's pairs, ordered; API ids and
     * method names hold no spaces (the catalog's id pattern and {@link Scope#KNOWN_METHODS}).
     */
    public static final String AGGREGATE = "array_agg(api_id || ' ' || method order by api_id, method)";

    private ScopeRows() {}

    /** {@code ["campaigns GET", "campaigns POST"]} to one scope per API, APIs in id order; null is none. */
    public static List<Scope> group(String[] pairs) {
        if (pairs == null) {
            return List.of();
        }
        Map<String, TreeSet<String>> byApi = new TreeMap<>();
        for (String pair : pairs) {
            int space = pair.indexOf(' ');
            if (space <= 0) {
                throw new IllegalArgumentException("not an 'api method' pair: " + pair);
            }
            byApi.computeIfAbsent(pair.substring(0, space), api -> new TreeSet<>())
                    .add(pair.substring(space + 1));
        }
        List<Scope> scopes = new ArrayList<>(byApi.size());
        byApi.forEach((api, methods) -> scopes.add(new Scope(api, methods)));
        return List.copyOf(scopes);
    }
}
