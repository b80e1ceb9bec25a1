package io.scopegate.bench.jmh;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.TokenCache;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.Scope;
import io.scopegate.store.scope.ScopeRows;
import java.lang.management.ManagementFactory;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import reactor.core.publisher.Mono;

/**
 * Heap per cached credential: fills a TokenCache with N scoped tokens and compares heap used after
 * full GCs (entry, key, token, scopes, hash: everything the cache retains per token).
 * <p>
 * Two shapes. {@code decoded} (the default) builds each token as the store reader does: every string
 * a fresh instance, the scopes grouped from {@code "api method"} pairs by {@link ScopeRows#group},
 * 20 tokens per account (the active-token limit) and the scope lists drawn from 50 distinct grants, so
 * whatever the gateway shares between tokens is measured and nothing the JVM shares by accident (string
 * literals) flatters it. {@code literal} is the shape of the first measurement (session 2): one account
 * per token, two scopes built from string literals shared by every token.
 * Usage: java -cp bench/jmh/target/benchmarks.jar io.scopegate.bench.jmh.CacheFootprint [N] [decoded|literal]
 */
public final class CacheFootprint {

    private static final int TOKENS_PER_ACCOUNT = 20;
    private static final int DISTINCT_GRANTS = 50;
    private static final String[] APIS = {"campaigns", "reports", "audiences", "creatives", "billing", "insights"};
    private static final String[] METHODS = {"GET", "POST", "PUT", "DELETE"};

    public static void main(String[] args) {
        int tokens = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        boolean literal = args.length > 1 && args[1].equals("literal");
        SecureRandom random = new SecureRandom();
        TokenCache cache = new TokenCache(
                username -> Mono.just(literal ? literalToken(username, random) : decodedToken(username, random)),
                new GatewaySettings(
                        0,
                        List.of(),
                        Duration.ofMinutes(5),
                        // Not a timing benchmark: the first load (class loading, the JIT) may take seconds on a busy
                        // machine.
                        Duration.ofMinutes(1),
                        Duration.ofMillis(250),
                        tokens * 2L),
                new SimpleMeterRegistry());
        long before = usedAfterGc();
        for (int i = 0; i < tokens; i++) {
            cache.get(String.format("ST%032x", i)).block();
        }
        long after = usedAfterGc();
        System.out.printf(
                "%d cached tokens (%s): %.1f MiB, %d bytes per token (entry, key, token, scopes, hash)%n",
                cache.size(), literal ? "literal" : "decoded", (after - before) / 1048576.0, (after - before) / tokens);
    }

    /** As the store reader builds one: fresh strings from the row, scopes grouped from pairs. */
    private static CachedToken decodedToken(String sid, SecureRandom random) {
        int index = Integer.parseInt(sid.substring(2), 16);
        return token(
                sid,
                fresh(String.format("AC%032x", index / TOKENS_PER_ACCOUNT)),
                ScopeRows.group(grant(index % DISTINCT_GRANTS)),
                random);
    }

    /** Grant number g: one to three APIs with one to three methods each, every string a fresh copy. */
    private static String[] grant(int g) {
        int apis = 1 + g % 3;
        List<String> pairs = new java.util.ArrayList<>();
        for (int a = 0; a < apis; a++) {
            String api = APIS[(g + a) % APIS.length];
            int methods = 1 + (g / 3 + a) % 3;
            for (int m = 0; m < methods; m++) {
                pairs.add(fresh(api + " " + METHODS[(g + m) % METHODS.length]));
            }
        }
        return pairs.toArray(String[]::new);
    }

    private static String fresh(String value) {
        return new String(value.toCharArray());
    }

    private static CachedToken literalToken(String sid, SecureRandom random) {
        return token(
                sid,
                "AC" + sid.substring(2, 34),
                List.of(new Scope("campaigns", Set.of("GET", "POST")), new Scope("reports", Set.of("GET"))),
                random);
    }

    /** An enabled scoped token with a random 32-byte hash and nothing else set. */
    private static CachedToken token(String sid, String accountSid, List<Scope> scopes, SecureRandom random) {
        byte[] hash = new byte[32];
        random.nextBytes(hash);
        return new CachedToken.Scoped(
                sid, accountSid, 3, true, scopes, StoredCredential.of(hash), null, null, null, null, null);
    }

    private static long usedAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
