package io.scopegate.gateway;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.gateway.*}.
 *
 * @param authFailuresPerMinute failed authentications one client address may make per minute before
 *                              it gets 429; 0 turns the throttle off
 * @param trustedProxies        CIDRs of reverse proxies whose X-Forwarded-For is believed
 * @param outageGrace           how long cached tokens keep working after the last successful sync
 * @param storeTimeout          bound on every store query made on the request path
 * @param pollInterval          how often token_events is polled (LISTEN makes most changes faster)
 * @param cacheMaximumSize      credentials kept in memory (known and unknown SIDs)
 */
@Validated
@ConfigurationProperties("scopegate.gateway")
public record GatewaySettings(
        @DefaultValue("100") @Min(0) int authFailuresPerMinute,
        @DefaultValue List<String> trustedProxies,
        @DefaultValue("5m") Duration outageGrace,
        @DefaultValue("2s") Duration storeTimeout,
        @DefaultValue("250ms") Duration pollInterval,
        @DefaultValue("100000") @Min(1) long cacheMaximumSize) {}
