package io.scopegate.bench;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Spring Cloud Gateway with one route from bare-gateway.yaml and nothing else: the baseline. */
@SpringBootApplication
public class BareGatewayApplication {

    public static void main(String[] args) {
        SpringApplication app = new SpringApplication(BareGatewayApplication.class);
        app.setDefaultProperties(java.util.Map.of("spring.config.name", "bare-gateway"));
        app.run(args);
    }
}
