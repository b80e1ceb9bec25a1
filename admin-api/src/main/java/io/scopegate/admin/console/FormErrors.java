package io.scopegate.admin.console;

import io.scopegate.admin.error.ApiProblem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.ProblemDetail;

/**
 * A refused change as a form shows it: each field's message beside the field, and what concerns no
 * single field at the top. Built from the same problem the REST API would answer.
 *
 * @param fields  message per form field (JSON paths such as {@code scopes[0].methods} fold onto their
 *                first segment, the control that shows them)
 * @param summary the problem's title and detail, for the top of the form
 */
public record FormErrors(Map<String, String> fields, String summary) {

    public static final FormErrors NONE = new FormErrors(Map.of(), null);

    public static FormErrors of(ApiProblem problem) {
        ProblemDetail body = problem.getBody();
        Map<String, String> fields = new LinkedHashMap<>();
        Object errors =
                body.getProperties() == null ? null : body.getProperties().get("errors");
        if (errors instanceof List<?> list) {
            for (Object item : list) {
                if (item instanceof io.scopegate.admin.error.FieldProblem problemField) {
                    fields.merge(control(problemField.field()), problemField.message(), (a, b) -> a + "; " + b);
                }
            }
        }
        String summary = fields.isEmpty() ? body.getTitle() + ": " + body.getDetail() : body.getTitle();
        return new FormErrors(fields, summary);
    }

    public boolean any() {
        return summary != null;
    }

    public boolean has(String field) {
        return fields.containsKey(field);
    }

    public String of(String field) {
        return fields.get(field);
    }

    private static String control(String path) {
        int cut = path.length();
        for (char stop : new char[] {'[', '.'}) {
            int at = path.indexOf(stop);
            if (at > 0 && at < cut) {
                cut = at;
            }
        }
        return path.substring(0, cut);
    }
}
