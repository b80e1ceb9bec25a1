package io.scopegate.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.TokenCache;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.Scope;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Heap per cached credential: fills a TokenCache with N scoped tokens shaped like real ones (SID,
 * account SID, 32-byte hash, two scopes, no IP list) and compares heap used after full GCs.
 * Usage: java -cp bench/jmh/target/benchmarks.jar io.scopegate.bench.jmh.CacheFootprint [N]
 */
public final class CacheFootprint {

    public static void main(String[] args) {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        SecureRandom random = new SecureRandom();
        TokenCache cache = new TokenCache(
                username -> Mono.just(scopedToken(username, random)),
                new GatewaySettings(
                        0,
                        List.of(),
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(2),
                        Duration.ofMillis(250),
                        tokens * 2L),
                new SimpleMeterRegistry());
        long before = usedAfterGc();
        for (int i = 0; i < tokens; i++) {
            cache.get(String.format("ST%032x", i)).block();
        }
        long after = usedAfterGc();
        System.out.printf(
                "%d cached tokens: %.1f MiB, %d bytes per token (entry, key, token, scopes, hash)%n",
                cache.size(), (after - before) / 1048576.0, (after - before) / tokens);
    }

    private static CachedToken scopedToken(String sid, SecureRandom random) {
        byte[] hash = new byte[32];
        random.nextBytes(hash);
        return new CachedToken.Scoped(
                sid,
                "AC" + sid.substring(2, 34),
                3,
                true,
                List.of(new Scope("campaigns", Set.of("GET", "POST")), new Scope("reports", Set.of("GET"))),
                StoredCredential.of(hash),
                null,
                null,
                null,
                null,
                null);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
