package io.scopegate.admin.account;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code PATCH /v1/accounts/{a}}: the fields present change ({@code null} clears a contact), the rest stay.
 * Read as a tree first, as a record cannot tell an absent field from a null one (as for tokens).
 */
record AccountPatch(Set<String> present, Fields fields) {

    /** The body as documented and validated. */
    @Schema(name = "AccountPatch")
    record Fields(
            @Schema(nullable = true, description = "email; null clears it") @ContactEmail
            String technicalContact,

            @Schema(nullable = true, description = "email; null clears it") @ContactEmail
            String ownerContact,

            @Schema(
                    description = "notification emails one by one (EACH) or as one daily digest per recipient"
                            + " (DAILY_DIGEST); any letter case",
                    allowableValues = {"EACH", "DAILY_DIGEST"})
            @NotNull
            @Pattern(regexp = "(?i)EACH|DAILY_DIGEST", message = "must be EACH or DAILY_DIGEST")
            String emailDelivery) {}

    static final Set<String> EDITABLE = Set.of("technicalContact", "ownerContact", "emailDelivery");

    static AccountPatch parse(ObjectNode body, JsonMapper json, Validator validator) {
        List<FieldProblem> errors = new ArrayList<>();
        Set<String> present = Set.copyOf(body.propertyNames());
        for (String field : present) {
            if (!EDITABLE.contains(field)) {
                errors.add(new FieldProblem(field, "is not a known field"));
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        Fields fields;
        try {
            fields = json.treeToValue(body, Fields.class);
        } catch (JacksonException e) {
            throw ApiProblem.invalidJson(e);
        }
        for (ConstraintViolation<Fields> violation : validator.validate(fields)) {
            if (!present.contains(violation.getPropertyPath().toString())) {
                continue; // an absent field stays as it is; only a sent one must be valid
            }
            errors.add(new FieldProblem(violation.getPropertyPath().toString(), violation.getMessage()));
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new AccountPatch(present, fields);
    }

    boolean isEmpty() {
        return present.isEmpty();
    }

    String technicalContact(Account account) {
        return present.contains("technicalContact") ? fields.technicalContact() : account.technicalContact();
    }

    String ownerContact(Account account) {
        return present.contains("ownerContact") ? fields.ownerContact() : account.ownerContact();
    }

    String emailDelivery(Account account) {
        return present.contains("emailDelivery")
                ? fields.emailDelivery().toUpperCase(Locale.ROOT)
                : account.emailDelivery();
    }
}
