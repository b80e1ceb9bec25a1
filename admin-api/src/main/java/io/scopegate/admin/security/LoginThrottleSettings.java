package io.scopegate.admin.security;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.login.*}: how many failed sign-ins a user and an address get (see {@link LoginThrottle}).
 *
 * @param maxFailuresPerUser    failures in a row before the user is locked
 * @param lockout               the first lock; each further one doubles, up to {@code maxLockout}
 * @param maxFailuresPerAddress failures from one address within {@code addressWindow} before it is blocked
 * @param rememberVerified      how long a password that passed its bcrypt check is recognised without
 *                              another (see {@link VerifiedCredentials}); 0 checks every time
 */
@Validated
@ConfigurationProperties("scopegate.login")
public record LoginThrottleSettings(
        @DefaultValue("10") @Min(1) int maxFailuresPerUser,
        @DefaultValue("1m") Duration lockout,
        @DefaultValue("15m") Duration maxLockout,
        @DefaultValue("50") @Min(1) int maxFailuresPerAddress,
        @DefaultValue("10m") Duration addressWindow,
        @DefaultValue("5m") Duration rememberVerified) {}
