package io.scopegate.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.error.ApiProblem;
import org.junit.jupiter.api.Test;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

/** Exports are bounded: two at once per replica, and a place is free again when one ends. */
class AuditExportsTest {

    private final AuditExports exports = new AuditExports();

    @Test
    void aThirdConcurrentExportIsRefusedWith429UntilOneEnds() {
        Disposable first = exports.bounded(Flux.never()).subscribe();
        Disposable second = exports.bounded(Flux.never()).subscribe();

        StepVerifier.create(exports.bounded(Flux.just("event")))
                .expectErrorSatisfies(error -> {
                    assertThat(error).isInstanceOf(ApiProblem.class);
                    assertThat(((ApiProblem) error).getStatusCode().value()).isEqualTo(429);
                    assertThat(((ApiProblem) error).getHeaders().getFirst("Retry-After"))
                            .isEqualTo("10");
                })
                .verify();

        first.dispose();
        StepVerifier.create(exports.bounded(Flux.just("event")))
                .expectNext("event")
                .verifyComplete();
        second.dispose();
    }
}
