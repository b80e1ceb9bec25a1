package io.scopegate.admin;

import io.scopegate.store.credential.CredentialConfiguration;
import java.time.Clock;
import java.time.Duration;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;

/** Scopegate's write side: accounts, admin users, the API catalog and the token lifecycle. */
@SpringBootApplication
@ConfigurationPropertiesScan
@Import(CredentialConfiguration.class)
public class AdminApiApplication {

    public static void main(String[] args) {
        SpringApplication.run(AdminApiApplication.class, args);
    }

    /** UTC, ticking in milliseconds: what a response shows is exactly what the store keeps. */
    @Bean
    Clock clock() {
        return Clock.tick(Clock.systemUTC(), Duration.ofMillis(1));
    }
}
