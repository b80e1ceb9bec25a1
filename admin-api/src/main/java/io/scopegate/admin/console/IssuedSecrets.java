package io.scopegate.admin.console;

import java.util.Optional;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Post/redirect/get for pages that show a new secret: the POST that issued it keeps it in the
 * session and redirects; the page takes it out as it shows it. Reloading that page never repeats
 * the change (a second token, a second reset), and the secret is shown once.
 */
public final class IssuedSecrets {

    private static final String PREFIX = "scopegate.issued.";

    private IssuedSecrets() {}

    /** Keeps {@code value} for the page at {@code path}; returns the redirect to it. */
    public static Mono<String> keep(ServerWebExchange exchange, String key, Object value, String path) {
        return exchange.getSession()
                .doOnNext(session -> session.getAttributes().put(PREFIX + key, value))
                .thenReturn("redirect:" + path);
    }

    /** What {@link #keep} left for this page, once; empty on a reload. */
    @SuppressWarnings("unchecked")
    public static <T> Mono<Optional<T>> take(ServerWebExchange exchange, String key) {
        return exchange.getSession()
                .map(session -> Optional.ofNullable((T) session.getAttributes().remove(PREFIX + key)));
    }
}
