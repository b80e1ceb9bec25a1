package io.scopegate.admin.security;

import java.net.URI;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.security.config.web.server.SecurityWebFiltersOrder;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationFailureHandler;
import org.springframework.security.web.server.authentication.RedirectServerAuthenticationSuccessHandler;
import org.springframework.security.web.server.authentication.logout.RedirectServerLogoutSuccessHandler;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.csrf.CookieServerCsrfTokenRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;

/**
 * The console's own chain, ahead of the REST API's: a form login with a server-side session (the
 * REST API stays stateless Basic), CSRF on every change, and the same access rules as the REST
 * paths: an account's pages for that account's users and operators, the platform's for operators.
 */
@Configuration(proxyBeanMethods = false)
class ConsoleSecurityConfiguration {

    static final String SIGN_IN = "/console/sign-in";

    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE)
    SecurityWebFilterChain consoleSecurity(ServerHttpSecurity http, AdminUserRepository users) {
        RedirectServerLogoutSuccessHandler signedOut = new RedirectServerLogoutSuccessHandler();
        signedOut.setLogoutSuccessUrl(URI.create(SIGN_IN + "?signedOut=1"));
        ServerAccessDeniedHandler denied = (exchange, e) -> {
            exchange.getResponse().setStatusCode(HttpStatus.FORBIDDEN);
            exchange.getResponse().getHeaders().setLocation(null);
            return exchange.getResponse()
                    .writeWith(reactor.core.publisher.Mono.just(exchange.getResponse()
                            .bufferFactory()
                            .wrap(DENIED_PAGE.getBytes(java.nio.charset.StandardCharsets.UTF_8))))
                    .doFirst(() -> exchange.getResponse()
                            .getHeaders()
                            .setContentType(org.springframework.http.MediaType.TEXT_HTML));
        };
        // The CSRF token lives in a cookie until sign-in, so the sign-in page creates no server session:
        // anonymous page loads cannot fill the session store. Scoped to the console, HttpOnly (pages
        // carry the token in their forms), Secure and SameSite=Strict like the session cookie.
        CookieServerCsrfTokenRepository csrfTokens = new CookieServerCsrfTokenRepository();
        csrfTokens.setCookieName("SCOPEGATE_CSRF");
        csrfTokens.setCookiePath("/console");
        csrfTokens.setCookieCustomizer(
                cookie -> cookie.httpOnly(true).secure(true).sameSite("Strict"));
        return http.securityMatcher(ServerWebExchangeMatchers.pathMatchers("/console", "/console/**"))
                .csrf(csrf -> csrf.csrfTokenRepository(csrfTokens))
                .addFilterBefore(new ConsoleSessionCheck(users), SecurityWebFiltersOrder.AUTHORIZATION)
                .formLogin(form -> form.loginPage(SIGN_IN)
                        .authenticationSuccessHandler(new RedirectServerAuthenticationSuccessHandler("/console"))
                        .authenticationFailureHandler(
                                (webFilterExchange, exception) -> new RedirectServerAuthenticationFailureHandler(
                                                exception instanceof AdminAuthentication.LoginThrottled
                                                        ? SIGN_IN + "?throttled=1"
                                                        : SIGN_IN + "?error=1")
                                        .onAuthenticationFailure(webFilterExchange, exception)))
                .logout(logout -> logout.logoutUrl("/console/sign-out").logoutSuccessHandler(signedOut))
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                // After sign-in, always the console's home: a page saved before sign-in may belong to
                // an account the user cannot see.
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .exceptionHandling(handling -> handling.authenticationEntryPoint(
                                new RedirectServerAuthenticationEntryPoint(SIGN_IN))
                        .accessDeniedHandler(denied))
                .headers(headers -> headers.contentSecurityPolicy(csp -> csp.policyDirectives(
                        "default-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none';"
                                + " base-uri 'self'; form-action 'self'")))
                .authorizeExchange(rules -> rules.pathMatchers(SIGN_IN, "/console/assets/**")
                        .permitAll()
                        .pathMatchers("/console/platform/**")
                        .hasRole(AdminRole.OPERATOR.name())
                        .pathMatchers("/console/accounts/{account}/settings", "/console/accounts/{account}/settings/**")
                        .access(AccountAccess.admins())
                        .pathMatchers("/console/accounts/{account}", "/console/accounts/{account}/**")
                        .access(AccountAccess.anyRole())
                        .pathMatchers("/console")
                        .authenticated()
                        // Deny by default, as on the REST paths.
                        .anyExchange()
                        .denyAll())
                .build();
    }

    /** Plain, so it needs no template engine and leaks nothing about what was asked for. */
    private static final String DENIED_PAGE = """
            <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Not allowed · Scopegate</title>
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <link rel="stylesheet" href="/console/assets/console.css"></head>
            <body class="plain"><main class="narrow card"><h1>Not allowed</h1>
            <p>This page does not exist, your role does not allow it, or it belongs to another account.</p>
            <p><a class="button secondary" href="/console">Back to the console</a></p></main></body></html>
            """;
}
