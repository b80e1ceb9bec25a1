package io.scopegate.admin.token;

import io.scopegate.store.scope.IpLiteral;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Accepts address literals and CIDR blocks only, so validation never triggers a DNS lookup. */
class CidrValidator implements ConstraintValidator<Cidr, String> {

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        return value == null || IpLiteral.isCidr(value);
    }
}
