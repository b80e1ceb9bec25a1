package io.scopegate.gateway.observability;

import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The WebFlux server creates an observation per request when an observation registry exists, even
 * with {@code management.observations.enable.http.server.requests=false} (then it asks the registry's
 * predicates per request and throws the result away). The gateway's request metrics are
 * scopegate_requests_total and scopegate_request_duration_seconds, so its HTTP handler gets no
 * registry at all. Actuator's other observations are unaffected.
 */
@Configuration(proxyBeanMethods = false)
class NoRequestObservations {

    @Bean
    WebHttpHandlerBuilderCustomizer withoutRequestObservations() {
        return builder -> builder.observationRegistry(ObservationRegistry.NOOP);
    }
}
