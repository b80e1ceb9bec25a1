package io.scopegate.store.resilience;

import java.time.Duration;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * What both services do so that a store that fails or stops answering costs a bounded wait, never a
 * hang or a burst of errors: transactions whose connection was dead are begun again once, and every
 * health check is bounded. (The pool validates connections on acquire: {@code spring.r2dbc.pool.*}
 * in each service's settings.)
 */
@Configuration(proxyBeanMethods = false)
public class StoreResilience {

    /** Replaces Spring Boot's operator, which it backs off for. */
    @Bean
    TransactionalOperator transactionalOperator(ReactiveTransactionManager manager) {
        return new RetryingTransactions(manager);
    }

    /** Static: post-processors are created before other beans, so it reads its setting itself. */
    @Bean
    static BeanPostProcessor boundedHealthChecks(Environment environment) {
        Duration timeout = Binder.get(environment)
                .bind("scopegate.health.timeout", Duration.class)
                .orElse(Duration.ofSeconds(3));
        return new BoundedHealthChecks(timeout);
    }
}
