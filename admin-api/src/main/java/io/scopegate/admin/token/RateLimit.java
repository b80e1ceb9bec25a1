package io.scopegate.admin.token;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Per-token request rate the gateway enforces: a sustained rate and the burst above it. */
public record RateLimit(
        @NotNull @Min(1) @Max(100_000) Integer requestsPerSecond,
        @NotNull @Min(1) @Max(1_000_000) Integer burst) {}
