package io.scopegate.admin.security;

import java.net.URI;
import org.springframework.http.HttpStatus;
import org.springframework.security.core.Authentication;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.server.WebSession;
import reactor.core.publisher.Mono;

/**
 * Checks a console session against the stored admin user on every request: the REST API checks the
 * password each time, and a session must not outlive what it was granted for. When the user was
 * deleted, or an operator changed its role, account or password since sign-in, the session ends and
 * the browser is sent to sign in again.
 */
final class ConsoleSessionCheck implements WebFilter {

    private final AdminUserRepository users;

    ConsoleSessionCheck(AdminUserRepository users) {
        this.users = users;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        return exchange.getPrincipal()
                .ofType(Authentication.class)
                .map(Authentication::getPrincipal)
                .ofType(AdminPrincipal.class)
                .flatMap(signedIn -> users.find(signedIn.username())
                        .map(stored -> stored.equals(signedIn))
                        .defaultIfEmpty(false))
                .defaultIfEmpty(true) // not signed in: the access rules decide
                .flatMap(current -> current ? chain.filter(exchange) : signOut(exchange));
    }

    private static Mono<Void> signOut(ServerWebExchange exchange) {
        return exchange.getSession().flatMap(WebSession::invalidate).then(Mono.fromRunnable(() -> {
            exchange.getResponse().setStatusCode(HttpStatus.SEE_OTHER);
            exchange.getResponse()
                    .getHeaders()
                    .setLocation(URI.create(ConsoleSecurityConfiguration.SIGN_IN + "?expired=1"));
        }));
    }
}
