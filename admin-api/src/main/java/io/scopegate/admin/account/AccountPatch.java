package io.scopegate.admin.account;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code PATCH /v1/accounts/{a}}: the contacts present change, {@code null} clears one, the rest stay.
 * Read from the JSON tree, as a record cannot tell an absent field from a null one.
 */
record AccountPatch(Map<String, String> changes) {

    static final Set<String> EDITABLE = Set.of("technicalContact", "ownerContact");
    /** As for a token's contacts: a dot in the domain, since mail to {@code a@b} goes nowhere. */
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+\\.[^@\\s]+");

    private static final int MAX_EMAIL = 254;

    static AccountPatch parse(ObjectNode body) {
        List<FieldProblem> errors = new ArrayList<>();
        Map<String, String> changes = new HashMap<>();
        for (String field : body.propertyNames()) {
            JsonNode value = body.get(field);
            if (!EDITABLE.contains(field)) {
                errors.add(new FieldProblem(field, "is not a known field"));
            } else if (value.isNull()) {
                changes.put(field, null);
            } else if (!value.isString()
                    || value.asString().length() > MAX_EMAIL
                    || !EMAIL.matcher(value.asString()).matches()) {
                errors.add(new FieldProblem(field, "must be an email address (at most 254 characters) or null"));
            } else {
                changes.put(field, value.asString());
            }
        }
        if (!errors.isEmpty()) {
            throw ApiProblem.invalid(errors);
        }
        return new AccountPatch(changes);
    }

    String technicalContact(Account account) {
        return changes.containsKey("technicalContact") ? changes.get("technicalContact") : account.technicalContact();
    }

    String ownerContact(Account account) {
        return changes.containsKey("ownerContact") ? changes.get("ownerContact") : account.ownerContact();
    }
}
