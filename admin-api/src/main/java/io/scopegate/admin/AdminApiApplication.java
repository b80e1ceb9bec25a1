package io.scopegate.admin;

import io.scopegate.store.credential.CredentialConfiguration;
import io.scopegate.store.resilience.StoreResilience;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** Scopegate's write side: accounts, admin users, the API catalog and the token lifecycle. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import({CredentialConfiguration.class, StoreResilience.class})
public class AdminApiApplication {

    /** Its settings file is admin-api.yaml, so it never reads the gateway's when both share a classpath. */
    public static final String CONFIG_NAME = "admin-api";

    public static void main(String[] args) {
        application().run(args);
    }

    public static SpringApplicationBuilder application() {
        return new SpringApplicationBuilder(AdminApiApplication.class).properties("spring.config.name=" + CONFIG_NAME);
    }

    /** UTC, ticking in milliseconds: what a response shows is exactly what the store keeps. */
    @Bean
    Clock clock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    }
}
