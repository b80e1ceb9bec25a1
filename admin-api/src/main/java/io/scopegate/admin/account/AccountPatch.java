package io.scopegate.admin.account;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code PATCH /v1/accounts/{a}}: the contacts present change, {@code null} clears one, the rest stay.
 * Read as a tree first, as a record cannot tell an absent field from a null one (as for tokens).
 */
record AccountPatch(Set<String> present, Fields fields) {

    /** The body as documented and validated. */
    @Schema(name = "AccountPatch")
    record Fields(
            @Schema(nullable = true, description = "email; null clears it") @ContactEmail
            String technicalContact,

            @Schema(nullable = true, description = "email; null clears it") @ContactEmail
            String ownerContact) {}

    static final Set<String> EDITABLE = Set.of("technicalContact", "ownerContact");

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
}
