package io.scopegate.gateway.connection;

import jakarta.validation.constraints.Min;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * {@code scopegate.gateway.connections.*}: how long the proxy port waits for clients, and how many
 * connections one client address may hold. A zero duration or count turns that bound off.
 *
 * @param idleTimeout           a keep-alive connection with no request under way is closed after this
 * @param requestHeadTimeout    a request head (request line and headers) must be complete this long
 *                              after its first byte arrived, or the connection is closed
 * @param requestBodyReadTimeout the longest pause between reads of a request body before the
 *                              connection is closed
 * @param maxPerAddress         open connections one client address may hold; beyond it new ones are
 *                              closed at once. Trusted proxies are exempt: they carry many clients
 */
@Validated
@ConfigurationProperties("scopegate.gateway.connections")
public record ConnectionSettings(
        @DefaultValue("60s") Duration idleTimeout,
        @DefaultValue("10s") Duration requestHeadTimeout,
        @DefaultValue("30s") Duration requestBodyReadTimeout,
        @DefaultValue("256") @Min(0) int maxPerAddress) {

    static boolean on(Duration timeout) {
        return timeout != null && !timeout.isZero() && !timeout.isNegative();
    }
}
