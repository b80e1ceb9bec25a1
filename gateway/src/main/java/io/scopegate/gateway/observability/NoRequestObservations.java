package io.scopegate.gateway.observability;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The WebFlux server creates an observation per request when an observation registry exists, even
 * with {@code management.observations.enable.http.server.requests=false} (then it asks the registry's
 * predicates per request and throws the result away). The gateway's request metrics are
 * scopegate_requests_total and scopegate_request_duration_seconds, so its HTTP handler gets no
 * registry at all. Actuator's other observations are unaffected. With {@code scopegate.tracing.enabled}
 * the handler keeps its registry: each request is then a server span.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty(name = "scopegate.tracing.enabled", havingValue = false, matchIfMissing = true)
class NoRequestObservations {

    @Bean
    WebHttpHandlerBuilderCustomizer withoutRequestObservations() {
        return builder -> builder.observationRegistry(ObservationRegistry.NOOP);
    }
}
