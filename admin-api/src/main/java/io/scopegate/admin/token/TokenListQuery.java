package io.scopegate.admin.token;

import io.scopegate.admin.error.ApiProblem;
import io.scopegate.store.token.TokenState;
import java.time.Duration;
import java.time.Instant;

/** What a token listing asks for (its query parameters): name substring (case-insensitive), creation window, state. */
record TokenListQuery(String name, CreatedOn createdOn, TokenState state) {

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
        CreatedOn window = null;
        if (createdOn != null && !createdOn.isBlank()) {
            try {
                window = CreatedOn.valueOf(createdOn);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalid("createdOn", "must be LAST_7_DAYS, LAST_30_DAYS or MORE_THAN_30_DAYS");
            }
        }
        TokenState wanted = null;
        if (state != null && !state.isBlank()) {
            try {
                wanted = TokenState.valueOf(state);
            } catch (IllegalArgumentException e) {
                throw ApiProblem.invalid("state", "must be ENABLED or DISABLED");
            }
        }
        return new TokenListQuery(name == null || name.isBlank() ? null : name, window, wanted);
    }
}
