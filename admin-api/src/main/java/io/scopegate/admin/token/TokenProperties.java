package io.scopegate.admin.token;

import jakarta.validation.constraints.Min;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/** {@code scopegate.tokens.*}. */
@Validated
@ConfigurationProperties("scopegate.tokens")
public record TokenProperties(@DefaultValue("20") @Min(1) int maxActivePerAccount) {}
