package io.scopegate.admin.input;

import jakarta.validation.Validator;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.stereotype.Component;

/**
 * Fails one validation at start-up, on the starting thread. Hibernate Validator reads its message
 * bundle from its jar the first time a constraint fails; done here, the first bad request does not do
 * that blocking read on the event loop (BlockHound, in the system tests, turned it into a 500).
 */
@Component
class ValidationWarmUp implements SmartInitializingSingleton {

    private record Probe(@NotBlank @Size(min = 2) String value) {}

    private final Validator validator;

    ValidationWarmUp(Validator validator) {
        this.validator = validator;
    }

    @Override
    public void afterSingletonsInstantiated() {
        validator.validate(new Probe(""));
    }
}
