package io.scopegate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.TestTokens;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.credential.KeyedHasher;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.LegacyKind;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The authenticator's decisions, with tokens in memory or from a stub store; no server, no database. */
class AuthenticatorTest {

    private static final Instant NOW = Instant.parse("2026-11-30T10:00:00Z");
    private static final String SID = "ST0123456789abcdef0123456789abcdef";
    private static final String DISABLED_SID = "ST" + "d".repeat(32);

    private final KeyedHasher hasher = new KeyedHasher(new byte[32]);
    private final String secret = new CredentialFormat(new SecureRandom())
            .generate(CredentialFormat.Kind.SCOPED)
            .value();
    private final AtomicReference<Instant> lastSync = new AtomicReference<>(NOW);
    private final OutageGrace grace = new OutageGrace(lastSync::get, Duration.ofMinutes(5));
    private Map<String, Mono<CachedToken>> store =
            Map.of(SID, Mono.just(TestTokens.scoped(SID, hasher.hash(secret), true, null)));
    private final Authenticator authenticator = new Authenticator(
            TestTokens.cache(name -> store.getOrDefault(name, Mono.just(CachedToken.UNKNOWN))),
            grace,
            hasher,
            Clock.fixed(NOW, ZoneOffset.UTC));

    private AuthDecision decide(String username, String password, String client) {
        return authenticator
                .loadAndDecide(new BasicCredentials(username, password), client)
                .block(Duration.ofSeconds(5));
    }

    @Test
    void rightSecretOfAnEnabledTokenIsAllowedAndThenDecidedFromMemory() {
        assertThat(authenticator.decideFromMemory(new BasicCredentials(SID, secret), "10.0.0.1"))
                .isNull();
        assertThat(decide(SID, secret, "10.0.0.1")).isInstanceOf(AuthDecision.Allowed.class);
        assertThat(authenticator.decideFromMemory(new BasicCredentials(SID, secret), "10.0.0.1"))
                .isInstanceOf(AuthDecision.Allowed.class);
    }

    @Test
    void wrongOrMangledSecretIsUnauthenticatedWithoutNamingTheToken() {
        String wrong = new CredentialFormat(new SecureRandom())
                .generate(CredentialFormat.Kind.SCOPED)
                .value();
        assertThat(decide(SID, wrong, "10.0.0.1")).isEqualTo(new AuthDecision.Denied(Outcome.UNAUTHENTICATED));
        // A mangled checksum is refused from memory, before any lookup.
        String mangled = secret.substring(0, secret.length() - 1) + (secret.endsWith("A") ? "B" : "A");
        assertThat(authenticator.decideFromMemory(new BasicCredentials(SID, mangled), "10.0.0.1"))
                .isEqualTo(new AuthDecision.Denied(Outcome.UNAUTHENTICATED));
        assertThat(authenticator.decideFromMemory(null, "10.0.0.1"))
                .isEqualTo(new AuthDecision.Denied(Outcome.UNAUTHENTICATED));
    }

    /** Security review, issue 14, finding 3: PostgreSQL refuses a NUL, which answered 503 and logged a stack trace. */
    @Test
    @Tag("security")
    void aUsernameThatIsNoSidIsRefusedFromMemoryWithoutAnyLookup() {
        AtomicInteger lookups = new AtomicInteger();
        Authenticator counting = new Authenticator(
                TestTokens.cache(name -> {
                    lookups.incrementAndGet();
                    return Mono.error(new IllegalStateException("the store refuses " + name));
                }),
                grace,
                hasher,
                Clock.fixed(NOW, ZoneOffset.UTC));
        for (String username :
                List.of("DEMO\u0000", "\u0000", "DE\u0007MO", SID + "\u0000", "D", "A".repeat(65), "DÉMO")) {
            BasicCredentials credentials = new BasicCredentials(username, secret);
            assertThat(counting.decideFromMemory(credentials, "10.0.0.1"))
                    .as(username)
                    .isEqualTo(new AuthDecision.Denied(Outcome.UNAUTHENTICATED));
            assertThat(counting.loadAndDecide(credentials, "10.0.0.1").block(Duration.ofSeconds(5)))
                    .isEqualTo(new AuthDecision.Denied(Outcome.UNAUTHENTICATED));
        }
        assertThat(lookups).hasValue(0);
    }

    @Test
    void disabledTokenWithTheRightSecretIsDeniedAndCountedAgainstIt() {
        store = Map.of(SID, Mono.just(TestTokens.scoped(SID, hasher.hash(secret), false, null)));
        AuthDecision decision = decide(SID, secret, "10.0.0.1");
        assertThat(decision).isInstanceOf(AuthDecision.Denied.class);
        assertThat(((AuthDecision.Denied) decision).reason()).isEqualTo(Outcome.DISABLED);
        assertThat(((AuthDecision.Denied) decision).identified().tokenId()).isEqualTo(SID);
    }

    @Test
    void aDisabledLegacyTokenIsDeniedWhileTheOtherKindStillPasses() {
        String account = "ACpartner";
        String readOnlySecret = new CredentialFormat(new SecureRandom())
                .generate(CredentialFormat.Kind.LEGACY)
                .value();
        store = Map.of(
                account,
                Mono.just(new CachedToken.Legacy(
                        account,
                        Map.of(
                                LegacyKind.READ_WRITE,
                                new CachedToken.LegacyCredential(
                                        LegacyKind.READ_WRITE, false, 2, StoredCredential.of(hasher.hash(secret))),
                                LegacyKind.READ_ONLY,
                                new CachedToken.LegacyCredential(
                                        LegacyKind.READ_ONLY,
                                        true,
                                        2,
                                        StoredCredential.of(hasher.hash(readOnlySecret)))))));

        AuthDecision readWrite = decide(account, secret, "10.0.0.1");
        assertThat(readWrite).isInstanceOf(AuthDecision.Denied.class);
        assertThat(((AuthDecision.Denied) readWrite).reason()).isEqualTo(Outcome.DISABLED);
        assertThat(((AuthDecision.Denied) readWrite).identified().tokenId()).isEqualTo(account + ":READ_WRITE");
        assertThat(decide(account, readOnlySecret, "10.0.0.1")).isInstanceOf(AuthDecision.Allowed.class);
    }

    @Test
    void addressOutsideAllowedIpsIsDenied() {
        store = Map.of(SID, Mono.just(TestTokens.scoped(SID, hasher.hash(secret), true, List.of("192.168.1.0/24"))));
        assertThat(decide(SID, secret, "192.168.1.7")).isInstanceOf(AuthDecision.Allowed.class);
        assertThat(((AuthDecision.Denied) decide(SID, secret, "10.0.0.1")).reason())
                .isEqualTo(Outcome.IP_NOT_ALLOWED);
    }

    @Test
    void pastOutageGraceACachedYesBecomes503ButACachedNoStaysNo() {
        decide(SID, secret, "10.0.0.1");
        lastSync.set(NOW.minus(Duration.ofMinutes(5)));
        assertThat(decide(SID, secret, "10.0.0.1")).isInstanceOf(AuthDecision.Allowed.class);

        lastSync.set(NOW.minus(Duration.ofMinutes(5)).minusMillis(1));
        assertThat(decide(SID, secret, "10.0.0.1")).isEqualTo(AuthDecision.UNAVAILABLE);
        // A token seen disabled stays refused, however old the sync.
        store = Map.of(DISABLED_SID, Mono.just(TestTokens.scoped(DISABLED_SID, hasher.hash(secret), false, null)));
        assertThat(decide(DISABLED_SID, secret, "10.0.0.1")).isInstanceOf(AuthDecision.Denied.class);
        assertThat(decide(SID, "sgt_wrong", "10.0.0.1")).isEqualTo(new AuthDecision.Denied(Outcome.UNAUTHENTICATED));
    }

    @Test
    void neverSyncedMeansNothingIsVouchedFor() {
        lastSync.set(null);
        assertThat(decide(SID, secret, "10.0.0.1")).isEqualTo(AuthDecision.UNAVAILABLE);
    }

    @Test
    void aStoreThatDoesNotAnswerGives503ForAnUnknownToken() {
        store = Map.of(SID, Mono.error(new TimeoutException("store too slow")));
        assertThat(decide(SID, secret, "10.0.0.1")).isEqualTo(AuthDecision.UNAVAILABLE);
    }

    @Test
    void aBugIsNotDisguisedAsAnOutage() {
        store = Map.of(SID, Mono.error(new IllegalArgumentException("No enum constant TokenState.PAUSED")));
        StepVerifier.create(authenticator.loadAndDecide(new BasicCredentials(SID, secret), "10.0.0.1"))
                .expectError(IllegalArgumentException.class)
                .verify(Duration.ofSeconds(5));
    }
}
