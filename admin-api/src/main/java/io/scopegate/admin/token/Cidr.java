package io.scopegate.admin.token;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** An IPv4 or IPv6 address or CIDR block, e.g. {@code 203.0.113.0/24} or {@code 2001:db8::/32}. */
@Target({ElementType.TYPE_USE, ElementType.FIELD, ElementType.PARAMETER})
@Retention(RetentionPolicy.RUNTIME)
@Constraint(validatedBy = CidrValidator.class)
@interface Cidr {
    String message() default "must be an IPv4 or IPv6 address or CIDR block";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
