package io.scopegate.system;

import java.time.Duration;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.web.reactive.server.WebTestClient;

/** One gateway replica started by a test, with clients for its proxy and management ports. */
record RunningGateway(ConfigurableApplicationContext context) implements AutoCloseable {

    int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    int managementPort() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.management.port"));
    }

    WebTestClient client() {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port())
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /**
     * The management port. A scrape holds a series per token and outcome; after the whole suite's
     * tokens it is larger than WebClient's default 256 KiB buffer.
     */
    WebTestClient management() {
        return WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + managementPort())
                .responseTimeout(Duration.ofSeconds(30))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(SCRAPE_LIMIT))
                .build();
    }

    static final int SCRAPE_LIMIT = 32 * 1024 * 1024;

    /** What Prometheus would read from this replica now. */
    String scrape() {
        return management()
                .get()
                .uri("/actuator/prometheus")
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
    }

    @Override
    public void close() {
        context.close();
    }
}
