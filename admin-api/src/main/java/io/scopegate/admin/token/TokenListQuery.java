package io.scopegate.admin.token;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.store.token.TokenState;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a token listing asks for (its query parameters): name substring (case-insensitive), creation window, state. */
record TokenListQuery(String name, CreatedOn createdOn, TokenState state) {

    /** Where a page of the listing ended: the last token's creation time and SID. */
    record Position(Instant createdAt, String sid) {}

    /**
     * Names this listing for its cursors: a cursor is only good for the same account and filters.
     * The name is as given, since the match is case-insensitive but the cursor need not be.
     */
    String listing(String account) {
        return "tokens|" + account + "|" + (name == null ? "" : name) + "|" + createdOn + "|" + state;
    }

    /** Every token of the account. */
    static final TokenListQuery ALL = new TokenListQuery(null, null, null);

    enum CreatedOn {
        LAST_7_DAYS,
        LAST_30_DAYS,
        MORE_THAN_30_DAYS;

        Instant createdAfter(Instant now) {
            return switch (this) {
                case LAST_7_DAYS -> now.minus(Duration.ofDays(7));
                case LAST_30_DAYS -> now.minus(Duration.ofDays(30));
                case MORE_THAN_30_DAYS -> null;
            };
        }

        Instant createdBefore(Instant now) {
            return this == MORE_THAN_30_DAYS ? now.minus(Duration.ofDays(30)) : null;
        }
    }

    static TokenListQuery of(String name, String createdOn, String state) {
        return new TokenListQuery(
                name == null || name.isBlank() ? null : name,
                enumValue(CreatedOn.class, createdOn, "createdOn"),
                enumValue(TokenState.class, state, "state"));
    }

    /** An enumerated query value in any letter case ({@code disabled}, {@code Last_7_Days}); null when absent. */
    private static <E extends Enum<E>> E enumValue(Class<E> type, String value, String field) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Enum.valueOf(type, value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String allowed =
                    Arrays.stream(type.getEnumConstants()).map(Enum::name).collect(Collectors.joining(", "));
            throw ApiProblem.invalid(field, "must be one of " + allowed);
        }
    }
}
