package io.scopegate.admin.error;

/** One invalid input field: {@code scopes[0].methods} and what is wrong with it. */
public record FieldProblem(String field, String message) {}
