package io.scopegate.admin.token;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * {@code scopegate.automation.*}: clean-ups an operator can turn on, platform-wide (both off by
 * default); an account's own rules ({@code PUT /v1/accounts/{a}/automation}) override these for its
 * tokens. Each warns the token's contacts {@code warn-ahead} before (a {@code token.auto_disable}
 * notification with the date), then disables the token, audited as done by {@code system}.
 *
 * @param disableUnusedAfter    disable tokens not used (or, never used, not created) for this long
 * @param disableUnrotatedAfter disable tokens whose credentials are older than this
 * @param warnAhead             how long before disabling a token its contacts are told
 * @param interval              how often the elected replica applies the rules
 */
@ConfigurationProperties("scopegate.automation")
public record AutomationProperties(
        Duration disableUnusedAfter,
        Duration disableUnrotatedAfter,
        @DefaultValue("7d") Duration warnAhead,
        @DefaultValue("1h") Duration interval) {}
