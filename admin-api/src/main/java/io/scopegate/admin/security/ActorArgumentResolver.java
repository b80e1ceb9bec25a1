package io.scopegate.admin.security;

import org.springframework.core.MethodParameter;
import org.springframework.security.core.Authentication;
import org.springframework.web.reactive.BindingContext;
import org.springframework.web.reactive.result.method.HandlerMethodArgumentResolver;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** Builds the {@link Actor} argument from the authenticated principal and the client address. */
class ActorArgumentResolver implements HandlerMethodArgumentResolver {

    private final ClientAddresses addresses;

    ActorArgumentResolver(ClientAddresses addresses) {
        this.addresses = addresses;
    }

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return Actor.class.equals(parameter.getParameterType());
    }

    @Override
    public Mono<Object> resolveArgument(MethodParameter parameter, BindingContext context, ServerWebExchange exchange) {
        return exchange.getPrincipal()
                .cast(Authentication.class)
                .map(Authentication::getPrincipal)
                .cast(AdminPrincipal.class)
                .map(principal -> new Actor(
                        principal.username(),
                        principal.role(),
                        principal.accountSid(),
                        addresses.of(exchange.getRequest())));
    }
}
