package io.scopegate.admin.token;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import javax.security.auth.x500.X500Principal;

/**
 * Parses with the JDK's {@link X500Principal}, the class the gateway compares a presented
 * certificate's subject with, and keeps names whose stored form fits the column. The stored form is
 * RFC 2253's, so the spacing and keyword case a person typed do not matter.
 */
class DistinguishedNameValidator implements ConstraintValidator<DistinguishedName, String> {

    /** The width of tokens.client_certificate_subject. */
    static final int MAX_LENGTH = 1024;

    /** The form stored and shown; only for a value this validator accepted (or null). */
    static String canonical(String name) {
        return name == null ? null : new X500Principal(name).getName(X500Principal.RFC2253);
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        if (value.isBlank() || value.length() > MAX_LENGTH) {
            return false;
        }
        try {
            String stored = canonical(value);
            // An empty name parses but would bind nothing; an unknown keyword's OID form can be longer.
            return !stored.isEmpty() && stored.length() <= MAX_LENGTH;
        } catch (IllegalArgumentException notAName) {
            return false;
        }
    }
}
