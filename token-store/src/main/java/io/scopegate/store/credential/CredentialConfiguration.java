package io.scopegate.store.credential;

import java.security.SecureRandom;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The credential beans both services share; imported by each application. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(CredentialProperties.class)
public class CredentialConfiguration {

    @Bean
    SecureRandom secureRandom() {
        return new SecureRandom();
    }

    @Bean
    CredentialFormat credentialFormat(SecureRandom secureRandom) {
        return new CredentialFormat(secureRandom);
    }

    @Bean
    Sids sids(SecureRandom secureRandom) {
        return new Sids(secureRandom);
    }

    @Bean
    KeyedHasher keyedHasher(CredentialProperties properties) {
        return new KeyedHasher(properties.hmacKeyBytes());
    }
}
