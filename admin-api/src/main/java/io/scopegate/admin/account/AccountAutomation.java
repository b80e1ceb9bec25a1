package io.scopegate.admin.account;

import io.swagger.v3.oas.annotations.media.Schema;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;

/**
 * An account's own clean-up rules, overriding the platform's {@code scopegate.automation.*} for its
 * tokens: a number of days turns a rule on (or changes its threshold), 0 turns it off for this account,
 * null leaves the platform's setting.
 */
@Schema(name = "AccountAutomation")
public record AccountAutomation(
        @Schema(
                nullable = true,
                description = "disable tokens unused for this many days; 0: never; null: the platform's")
        @Min(0)
        @Max(3650)
        Integer disableUnusedAfterDays,

        @Schema(
                nullable = true,
                description = "disable tokens whose credentials are this many days old; 0: never; null: the platform's")
        @Min(0)
        @Max(3650)
        Integer disableUnrotatedAfterDays) {

    static final AccountAutomation PLATFORM = new AccountAutomation(null, null);
}
