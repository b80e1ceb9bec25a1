package io.scopegate.admin.console;

import io.scopegate.admin.error.ApiProblem;
import org.springframework.util.MultiValueMap;

/** Form fields that are numbers, read as the REST API would refuse them: a 400 naming the field. */
public final class FormValues {

    private FormValues() {}

    /** A reset's {@code graceSeconds}: absent or blank means none. */
    public static Integer graceSeconds(MultiValueMap<String, String> form) {
        String value = form.getFirst("graceSeconds");
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.strip());
        } catch (NumberFormatException e) {
            throw ApiProblem.invalid("graceSeconds", "must be a whole number of seconds");
        }
    }
}
