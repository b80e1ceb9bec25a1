package io.scopegate.admin.error;

import java.time.Duration;
import java.util.List;
import org.springframework.http.ProblemDetail;
import org.springframework.web.ErrorResponseException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.exc.StreamReadException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;

/**
 * Every expected failure of the admin API, as the problem+json it becomes. Details never quote a
 * secret; they name the field or the resource that is wrong.
 */
public final class ApiProblem extends ErrorResponseException {

    private ApiProblem(ProblemType type, String title, String detail) {
        super(type.status(), problem(type, title, detail), null);
    }

    static ProblemDetail problem(ProblemType type, String title, String detail) {
        ProblemDetail body = ProblemDetail.forStatusAndDetail(type.status(), detail);
        body.setType(type.uri());
        body.setTitle(title);
        return body;
    }

    public static ApiProblem notFound(String detail) {
        return new ApiProblem(ProblemType.NOT_FOUND, ProblemType.NOT_FOUND.title(), detail);
    }

    public static ApiProblem forbidden() {
        return new ApiProblem(
                ProblemType.FORBIDDEN, ProblemType.FORBIDDEN.title(), "Your role does not allow this operation");
    }

    public static ApiProblem conflict(String title, String detail) {
        return new ApiProblem(ProblemType.CONFLICT, title, detail);
    }

    public static ApiProblem tokenLimitReached(int limit) {
        return new ApiProblem(
                ProblemType.ACTIVE_TOKEN_LIMIT,
                ProblemType.ACTIVE_TOKEN_LIMIT.title(),
                "The account already has " + limit
                        + " active scoped tokens (enabled, not expired); disable or delete one first");
    }

    public static ApiProblem gone(String detail) {
        return new ApiProblem(ProblemType.GONE, ProblemType.GONE.title(), detail);
    }

    /** A {@code Retry-After} value: whole seconds, rounded up, at least 1. */
    public static long retryAfterSeconds(Duration wait) {
        return Math.max(1, (wait.toMillis() + 999) / 1000);
    }

    /** 429 with {@code Retry-After}: a bounded resource is taken; nothing was done. */
    public static ApiProblem busy(String detail, int retryAfterSeconds) {
        ApiProblem problem = new ApiProblem(ProblemType.BUSY, ProblemType.BUSY.title(), detail);
        problem.getHeaders().set("Retry-After", Integer.toString(retryAfterSeconds));
        return problem;
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new FieldProblem(field, message)));
    }

    public static ApiProblem invalid(List<FieldProblem> errors) {
        ApiProblem problem = new ApiProblem(ProblemType.VALIDATION, ProblemType.VALIDATION.title(), describe(errors));
        problem.getBody().setProperty("errors", List.copyOf(errors));
        return problem;
    }

    /** A body that is not valid JSON, or valid JSON of the wrong shape, named by its JSON path. */
    public static ApiProblem invalidJson(JacksonException json) {
        return invalid(fieldOf(json), messageOf(json));
    }

    private static String fieldOf(JacksonException json) {
        StringBuilder field = new StringBuilder();
        for (JacksonException.Reference ref : json.getPath()) {
            if (ref.getPropertyName() != null) {
                field.append(field.isEmpty() ? "" : ".").append(ref.getPropertyName());
            } else if (ref.getIndex() >= 0) {
                field.append('[').append(ref.getIndex()).append(']');
            }
        }
        return field.isEmpty() ? "body" : field.toString();
    }

    private static String messageOf(JacksonException json) {
        if (json instanceof UnrecognizedPropertyException) {
            return "is not a known field";
        }
        if (json.getOriginalMessage() != null
                && json.getOriginalMessage().equals(io.scopegate.admin.input.ControlCharacters.MESSAGE)) {
            return io.scopegate.admin.input.ControlCharacters.MESSAGE;
        }
        if (json instanceof StreamReadException) {
            return "is not valid JSON";
        }
        return "has the wrong type or format";
    }

    static String describe(List<FieldProblem> errors) {
        StringBuilder detail = new StringBuilder();
        for (FieldProblem error : errors) {
            detail.append(detail.isEmpty() ? "" : "; ")
                    .append(error.field())
                    .append(": ")
                    .append(error.message());
        }
        return detail.toString();
    }
}
