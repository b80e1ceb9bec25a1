package io.scopegate.admin.token;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.tokens.*}.
 *
 * @param maxActivePerAccount   active (enabled, not expired) scoped tokens an account may have
 * @param resetRecommendedAfter enabling a token disabled for longer than this recommends a reset
 */
@Validated
@ConfigurationProperties("scopegate.tokens")
public record TokenProperties(
        @DefaultValue("20") @Min(1) int maxActivePerAccount,
        @DefaultValue("30d") Duration resetRecommendedAfter) {}
