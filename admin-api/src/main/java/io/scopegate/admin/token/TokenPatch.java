package io.scopegate.admin.token;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.store.scope.Scope;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A PATCH body: the fields present change, the rest stay. {@code null} clears an optional field;
 * {@code scopes: []} clears all scopes. A record cannot tell "absent" from "null", so the body is
 * read as a tree first and the names present are kept beside the typed values.
 */
record TokenPatch(Set<String> present, TokenFields fields) {

    static final Set<String> EDITABLE = Set.of(
            "name",
            "description",
            "primaryContact",
            "developerEmails",
            "scopes",
            "expiresAt",
            "allowedIps",
            "rateLimit",
            "quota",
            "clientCertificateSubject");
    static final Set<String> NOT_NULLABLE = Set.of("name", "developerEmails", "scopes");

    static TokenPatch parse(ObjectNode body, JsonMapper json, Validator validator) {
        List<FieldProblem> errors = new ArrayList<>();
        Set<String> present = Set.copyOf(body.propertyNames());
        for (String field : present) {
            if ("apiVersion".equals(field)) {
                errors.add(new FieldProblem(field, "cannot be edited; use POST .../upgrade-version"));
            } else if (!EDITABLE.contains(field)) {
                errors.add(new FieldProblem(field, "is not a known field"));
            } else if (NOT_NULLABLE.contains(field) && body.get(field).isNull()) {
                errors.add(new FieldProblem(
                        field,
                        "scopes".equals(field) ? "must not be null; send [] to clear all scopes" : "must not be null"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        TokenFields fields;
        try {
            fields = json.treeToValue(body, TokenFields.class);
        } catch (JacksonException e) {
            throw ApiProblem.invalidJson(e);
        }
        for (ConstraintViolation<TokenFields> violation : validator.validate(fields)) {
            errors.add(new FieldProblem(violation.getPropertyPath().toString(), violation.getMessage()));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new TokenPatch(present, fields);
    }

    boolean has(String field) {
        return present.contains(field);
    }

    /** @param scopes the resolved scopes when {@code scopes} is present, else ignored */
    TokenRecord applyTo(TokenRecord token, List<Scope> scopes, Instant now) {
        return new TokenRecord(
                token.sid(),
                token.accountSid(),
                has("name") ? fields.name().strip() : token.name(),
                has("description") ? fields.description() : token.description(),
                has("primaryContact") ? fields.primaryContact() : token.primaryContact(),
                has("developerEmails") ? List.copyOf(fields.developerEmails()) : token.developerEmails(),
                token.apiVersion(),
                token.state(),
                has("scopes") ? scopes : token.scopes(),
                token.createdAt(),
                now,
                token.credentialsRotatedAt(),
                token.lastUsedAt(),
                has("expiresAt") ? fields.expiresAt() : token.expiresAt(),
                has("allowedIps") ? emptyToNull(fields.allowedIps()) : token.allowedIps(),
                has("rateLimit") ? fields.rateLimit() : token.rateLimit(),
                has("quota") ? Quota.normalized(fields.quota()) : token.quota(),
                has("clientCertificateSubject")
                        ? DistinguishedNameValidator.canonical(fields.clientCertificateSubject())
                        : token.clientCertificateSubject());
    }

    static List<String> emptyToNull(List<String> values) {
        return values == null || values.isEmpty() ? null : List.copyOf(values);
    }
}
