package io.scopegate.gateway.token;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.GatewaySettings;
import io.scopegate.store.credential.StoredCredential;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import reactor.core.publisher.Mono;

/** Tokens and caches for the policies' unit tests, without a store. */
public final class TestTokens {

    public static final GatewaySettings SETTINGS = new GatewaySettings(
            100, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMillis(250), 1000);

    private TestTokens() {}

    /** A cache whose store is the given function of the Basic username. */
    public static TokenCache cache(Function<String, Mono<CachedToken>> store) {
        return new TokenCache(store::apply, SETTINGS, new SimpleMeterRegistry());
    }

    public static CachedToken.Scoped scoped(String sid, byte[] hash, boolean enabled, List<String> allowedIps) {
        return new CachedToken.Scoped(
                sid,
                "AC1",
                3,
                enabled,
                List.of(),
                StoredCredential.of(hash),
                null,
                allowedIps == null
                        ? null
                        : allowedIps.stream().map(IpAddressMatcher::new).toList(),
                null,
                null,
                null);
    }
}
