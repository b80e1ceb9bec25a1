package io.scopegate.admin.account;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Size;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * An address someone can be reached at: a token's primary contact and developers, an account's
 * contacts, an admin user. A well-formed email with a dot in its domain (mail to {@code a@b} goes
 * nowhere), at most 254 characters. Null is valid; say {@code @NotNull} where it is required.
 */
@Email(regexp = ".+@.+\\..+")
@Size(max = 254)
@Constraint(validatedBy = {})
@Target({FIELD, METHOD, PARAMETER, TYPE_USE})
@Retention(RUNTIME)
@Documented
public @interface ContactEmail {

    String message() default "must be an email address";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
