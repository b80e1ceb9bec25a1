package io.scopegate.admin.token;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * An X.500 distinguished name in the RFC 4514 string form, e.g. {@code CN=partner-a,O=Acme}: the
 * subject of a client certificate bound to a token.
 */
@Target({ElementType.TYPE_USE, ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = DistinguishedNameValidator.class)
@interface DistinguishedName {
    String message() default
            "must be an X.500 distinguished name of at most 1024 characters, such as CN=partner-a,O=Acme";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
