package io.scopegate.admin.audit;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.paging.PageCursor;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Which audit events a listing asks for; every filter is optional.
 *
 * @param account  the account's events only ({@code null}: every account's and the platform's)
 * @param tokenSid events about one token (for legacy tokens, the account SID)
 * @param from     at or after (inclusive)
 * @param to       before (exclusive)
 */
record AuditQuery(String account, String tokenSid, String actor, AuditAction action, Instant from, Instant to) {

    /** Checks and parses the query parameters; every wrong one is named in one 400. */
    static AuditQuery of(String account, String tokenSid, String actor, String action, String from, String to) {
        List<FieldProblem> problems = new ArrayList<>();
        AuditAction parsedAction = action(action, problems);
        Instant parsedFrom = instant("from", from, problems);
        Instant parsedTo = instant("to", to, problems);
        if (parsedFrom != null && parsedTo != null && !parsedFrom.isBefore(parsedTo)) {
            problems.add(new FieldProblem("to", "must be after from"));
        }
        if (!problems.isEmpty()) {
            throw ApiProblem.invalid(problems);
        }
        return new AuditQuery(
                blankToNull(account), blankToNull(tokenSid), blankToNull(actor), parsedAction, parsedFrom, parsedTo);
    }

    /** Names this listing for its cursors: a cursor is only good for the same filters. */
    String listing(String path) {
        return "audit|" + path + "|" + account + "|" + tokenSid + "|" + actor + "|" + action + "|" + from + "|" + to;
    }

    private static AuditAction action(String value, List<FieldProblem> problems) {
        if (value == null || value.isBlank()) {
            return null;
        }
        for (AuditAction action : AuditAction.values()) {
            if (action.name().equalsIgnoreCase(value.trim())) {
                return action;
            }
        }
        problems.add(new FieldProblem(
                "action",
                "must be one of "
                        + Arrays.stream(AuditAction.values()).map(Enum::name).collect(Collectors.joining(", "))));
        return null;
    }

    /** ISO-8601 with an offset ({@code 2026-11-30T10:00:00Z}, {@code …+01:00}). */
    private static Instant instant(String field, String value, List<FieldProblem> problems) {
        if (value == null || value.isBlank()) {
            return null;
        }
        Instant instant;
        try {
            instant = OffsetDateTime.parse(value.trim()).toInstant();
        } catch (DateTimeParseException e) {
            problems.add(new FieldProblem(field, "must be an ISO-8601 time with an offset, e.g. 2026-11-30T10:00:00Z"));
            return null;
        }
        if (instant.isBefore(PageCursor.EARLIEST) || instant.isAfter(PageCursor.LATEST)) {
            problems.add(new FieldProblem(field, "must be between the years 1 and 9999"));
            return null;
        }
        return instant;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }
}
