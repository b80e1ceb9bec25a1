package io.scopegate.system;

import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.security.crypto.bcrypt.BCryptPasswordEncoder;
import org.springframework.security.crypto.password.DelegatingPasswordEncoder;
import org.springframework.security.crypto.password.PasswordEncoder;

/**
 * bcrypt at cost 4 rather than 10 for the admin API the system tests run: every admin call verifies
 * the operator's password, and the tests make hundreds. Same algorithm and stored format.
 */
@Configuration(proxyBeanMethods = false)
class CheapPasswordHashing {

    @Bean
    @Primary
    PasswordEncoder cheapPasswordEncoder() {
        return new DelegatingPasswordEncoder("bcrypt", Map.of("bcrypt", new BCryptPasswordEncoder(4)));
    }
}
