package io.scopegate.admin.store;

import io.scopegate.admin.error.ApiProblem;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code scopegate.admin.store-timeout}: the longest an admin call waits for the store before it is
 * answered 503 (and the {@code Retry-After} it gets, in whole seconds).
 */
@ConfigurationProperties("scopegate.admin")
public record StoreTimeout(@DefaultValue("5s") Duration storeTimeout) {

    public StoreTimeout {
        if (storeTimeout.isNegative() || storeTimeout.isZero()) {
            throw new IllegalArgumentException("scopegate.admin.store-timeout must be positive");
        }
    }

    long retryAfterSeconds() {
        return ApiProblem.retryAfterSeconds(storeTimeout);
    }
}
