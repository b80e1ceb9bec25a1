package io.scopegate.admin.token;

import io.scopegate.admin.error.FieldProblem;
import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Positive;

/**
 * Requests a token may make per UTC day and per UTC calendar month, counted across every gateway
 * replica; either may be null (no such quota). A quota with neither is no quota: it is stored and
 * shown as {@code quota: null}.
 */
@Schema(description = "Requests per UTC day and per UTC month the gateways allow the token, counted across replicas")
public record Quota(
        @Schema(nullable = true, description = "requests per UTC day; null: no daily quota") @Positive
        Integer perDay,

        @Schema(nullable = true, description = "requests per UTC calendar month; null: no monthly quota") @Positive
        Integer perMonth) {

    /** The quota to store: null when neither part is set ({@code {}} or both null remove it, as {@code null} does). */
    static Quota normalized(Quota quota) {
        return quota == null || (quota.perDay == null && quota.perMonth == null) ? null : quota;
    }

    /** Null when the columns hold no quota. */
    static Quota of(Integer perDay, Integer perMonth) {
        return normalized(new Quota(perDay, perMonth));
    }

    /**
     * A day allowing more than the whole month is a typo (a digit too many or too few), never a
     * plan: refused rather than stored as a daily quota the monthly one would always cut first.
     */
    static FieldProblem problem(Quota quota) {
        return quota != null && quota.perDay != null && quota.perMonth != null && quota.perDay > quota.perMonth
                ? new FieldProblem("quota.perDay", "must not be more than quota.perMonth")
                : null;
    }
}
