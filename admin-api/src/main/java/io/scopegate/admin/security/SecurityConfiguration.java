package io.scopegate.admin.security;

import io.scopegate.admin.error.ProblemType;
import io.scopegate.admin.error.ProblemWriter;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.annotation.web.reactive.EnableWebFluxSecurity;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.ServerAuthenticationEntryPoint;
import org.springframework.security.web.server.authorization.ServerAccessDeniedHandler;
import org.springframework.security.web.server.context.NoOpServerSecurityContextRepository;
import org.springframework.security.web.server.savedrequest.NoOpServerRequestCache;
import org.springframework.web.reactive.config.WebFluxConfigurer;
import org.springframework.web.reactive.result.method.annotation.ArgumentResolverConfigurer;

/**
 * Stateless HTTP Basic for admin users, and every access rule of the admin API in one list: the
 * platform's operations need OPERATOR, an account's paths need that account (see {@link AccountAccess}).
 * The rules run before any request body is read.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebFluxSecurity
class SecurityConfiguration {

    /** The OpenAPI description and its rendered page. */
    private static final String[] API_REFERENCE = {
        "/v3/api-docs", "/v3/api-docs.yaml", "/v3/api-docs/swagger-config", "/docs", "/swagger-ui/**"
    };

    @Bean
    SecurityWebFilterChain adminSecurity(ServerHttpSecurity http, ProblemWriter problems) {
        ServerAuthenticationEntryPoint unauthenticated = (exchange, e) -> {
            if (e instanceof AdminAuthentication.LoginThrottled throttled) {
                exchange.getResponse().getHeaders().set("Retry-After", Long.toString(throttled.retryAfterSeconds()));
                return problems.write(exchange, ProblemType.LOGIN_THROTTLED, throttled.getMessage());
            }
            exchange.getResponse().getHeaders().set("WWW-Authenticate", "Basic realm=\"scopegate-admin\"");
            return problems.write(
                    exchange, ProblemType.UNAUTHORIZED, "Authenticate with an admin user's HTTP Basic credentials");
        };
        ServerAccessDeniedHandler denied = (exchange, e) ->
                problems.write(exchange, ProblemType.FORBIDDEN, "Your role does not allow this operation");
        return http
                // A Basic-only JSON API keeps no session and sets no cookie, so there is nothing for CSRF to ride on.
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .logout(ServerHttpSecurity.LogoutSpec::disable)
                .securityContextRepository(NoOpServerSecurityContextRepository.getInstance())
                .requestCache(cache -> cache.requestCache(NoOpServerRequestCache.getInstance()))
                .httpBasic(basic -> basic.authenticationEntryPoint(unauthenticated))
                .exceptionHandling(handling ->
                        handling.authenticationEntryPoint(unauthenticated).accessDeniedHandler(denied))
                .authorizeExchange(rules -> rules.pathMatchers(
                                "/actuator/health/**", "/actuator/health", "/actuator/prometheus", "/actuator/info")
                        .permitAll()
                        // The API's description and its rendered page: public, like any API reference. Read-only
                        // (GET, and HEAD, which WebFlux answers as a GET without its body).
                        .pathMatchers(HttpMethod.HEAD, API_REFERENCE)
                        .permitAll()
                        .pathMatchers(HttpMethod.GET, API_REFERENCE)
                        .permitAll()
                        .pathMatchers(HttpMethod.GET, "/v1/apis", "/v1/apis/*")
                        .authenticated()
                        .pathMatchers(HttpMethod.PUT, "/v1/apis/*")
                        .hasRole(AdminRole.OPERATOR.name())
                        .pathMatchers(HttpMethod.DELETE, "/v1/apis/*")
                        .hasRole(AdminRole.OPERATOR.name())
                        .pathMatchers(HttpMethod.POST, "/v1/accounts")
                        .hasRole(AdminRole.OPERATOR.name())
                        .pathMatchers(HttpMethod.GET, "/v1/audit-events")
                        .hasRole(AdminRole.OPERATOR.name())
                        .pathMatchers(HttpMethod.PUT, "/v1/users/*")
                        .hasRole(AdminRole.OPERATOR.name())
                        // The account's clean-up rules: the platform's operators decide them.
                        .pathMatchers(HttpMethod.PUT, "/v1/accounts/{account}/automation")
                        .hasRole(AdminRole.OPERATOR.name())
                        // The account's own settings: its admins, not its implementation specialists.
                        .pathMatchers(HttpMethod.PATCH, "/v1/accounts/{account}")
                        .access(AccountAccess.admins())
                        // Where the account's notifications go: its admins, as for its settings.
                        .pathMatchers("/v1/accounts/{account}/webhooks", "/v1/accounts/{account}/webhooks/**")
                        .access(AccountAccess.admins())
                        .pathMatchers("/v1/accounts/{account}", "/v1/accounts/{account}/**")
                        .access(AccountAccess.anyRole())
                        // Deny by default: a path without a rule above is served to no one.
                        .anyExchange()
                        .denyAll())
                .build();
    }

    /** bcrypt today, with the {id} prefix so a stronger KDF can be introduced without a migration. */
    @Bean
    PasswordEncoder passwordEncoder() {
        return PasswordEncoderFactories.createDelegatingPasswordEncoder();
    }

    @Bean
    WebFluxConfigurer actorArgument(ClientAddresses addresses) {
        return new WebFluxConfigurer() {
            @Override
            public void configureArgumentResolvers(ArgumentResolverConfigurer configurer) {
                configurer.addCustomResolver(new ActorArgumentResolver(addresses));
            }
        };
    }
}
