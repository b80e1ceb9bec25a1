package io.scopegate.gateway;

import io.scopegate.store.credential.CredentialConfiguration;
import io.scopegate.store.resilience.StoreResilience;
import java.time.Clock;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** Scopegate's read side: authenticate, authorise by scope, forward. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({CredentialConfiguration.class, StoreResilience.class})
public class GatewayApplication {

    /** Its settings file is gateway.yaml, so it never reads admin-api's when both share a classpath. */
    public static final String CONFIG_NAME = "gateway";

    public static void main(String[] args) {
        application().run(args);
    }

    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(GatewayApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }
}
