package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Proves the other system tests run under BlockHound: blocking on a non-blocking thread is an error. */
class BlockHoundInstalledTest extends SystemTest {

    @Test
    void blockingOnAParallelThreadFails() {
        assertThatThrownBy(() -> Mono.fromCallable(() -> {
                            Thread.sleep(1);
                            return 1;
                        })
                        .subscribeOn(Schedulers.parallel())
                        .block(Duration.ofSeconds(5)))
                .hasMessageContaining("Blocking call");
    }
}
