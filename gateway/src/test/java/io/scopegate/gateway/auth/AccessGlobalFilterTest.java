package io.scopegate.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.limit.LiveReplicas;
import io.scopegate.gateway.limit.TestLimits;
import io.scopegate.gateway.observability.Outcome;
import io.scopegate.gateway.scope.TestScopes;
import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.Caller;
import io.scopegate.gateway.token.TestTokens;
import io.scopegate.store.credential.CredentialFormat;
import io.scopegate.store.credential.KeyedHasher;
import io.scopegate.store.credential.StoredCredential;
import io.scopegate.store.scope.Scope;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.cloud.gateway.filter.GatewayFilterChain;
import org.springframework.cloud.gateway.route.Route;
import org.springframework.cloud.gateway.support.ServerWebExchangeUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.util.matcher.IpAddressMatcher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * The access filter as Spring Cloud Gateway tests its filters: a mock exchange, a stub chain, no
 * server. It forwards only what every policy permits, and answers and counts everything else.
 */
class AccessGlobalFilterTest {

    private static final String SID = "ST0123456789abcdef0123456789abcdef";
    private static final String RATE_LIMITED = "ST" + "7".repeat(32);
    private static final String ONE_A_DAY = "ST" + "8".repeat(32);

    private final KeyedHasher hasher = new KeyedHasher(new byte[32]);
    private final String secret = new CredentialFormat(new SecureRandom())
            .generate(CredentialFormat.Kind.SCOPED)
            .value();
    private final AtomicInteger storeLookups = new AtomicInteger();
    private Mono<CachedToken> storeAnswer = Mono.just(new CachedToken.Scoped(
            SID,
            "AC1",
            2,
            true,
            List.of(new Scope("campaigns", Set.of("GET"))),
            StoredCredential.of(hasher.hash(secret)),
            null,
            null,
            null,
            null,
            null));
    /** Tokens whose secret is right but which may not be used here. */
    private final Map<String, CachedToken> refusedTokens = Map.of(
            "ST" + "d".repeat(32),
            refusedToken("ST" + "d".repeat(32), false, null, null),
            "ST" + "e".repeat(32),
            refusedToken("ST" + "e".repeat(32), true, Instant.now().minusSeconds(1), null),
            "ST" + "c".repeat(32),
            refusedToken("ST" + "c".repeat(32), true, null, List.of("192.0.2.0/24")),
            RATE_LIMITED,
            limitedToken(RATE_LIMITED, new CachedToken.RateLimit(1, 1), null),
            ONE_A_DAY,
            limitedToken(ONE_A_DAY, null, new CachedToken.Quota(1, null)));

    private final GatewaySettings settings = new GatewaySettings(
            6, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(2), Duration.ofMillis(250), 1000);
    private final Authenticator authenticator = new Authenticator(
            TestTokens.cache(name -> {
                storeLookups.incrementAndGet();
                return name.equals(SID)
                        ? storeAnswer
                        : Mono.just(refusedTokens.getOrDefault(name, CachedToken.UNKNOWN));
            }),
            new OutageGrace(() -> Clock.systemUTC().instant(), Duration.ofMinutes(5)),
            hasher,
            Clock.systemUTC());
    private final AccessGlobalFilter filter = new AccessGlobalFilter(
            authenticator,
            new FailedAuthThrottle(settings, Clock.systemUTC(), TestLimits.localBackend(), new LiveReplicas()),
            new ClientAddress(settings),
            TestScopes.policy(),
            TestLimits.local(Clock.systemUTC()));
    private final AtomicInteger forwarded = new AtomicInteger();
    private final GatewayFilterChain chain = exchange -> {
        forwarded.incrementAndGet();
        return Mono.empty();
    };

    private CachedToken refusedToken(String sid, boolean enabled, Instant expiresAt, List<String> allowedIps) {
        return new CachedToken.Scoped(
                sid,
                "AC1",
                2,
                enabled,
                List.of(new Scope("campaigns", Set.of("GET"))),
                StoredCredential.of(hasher.hash(secret)),
                expiresAt,
                allowedIps == null
                        ? null
                        : allowedIps.stream().map(IpAddressMatcher::new).toList(),
                null,
                null,
                null);
    }

    private CachedToken limitedToken(String sid, CachedToken.RateLimit rate, CachedToken.Quota quota) {
        return new CachedToken.Scoped(
                sid,
                "AC1",
                2,
                true,
                List.of(new Scope("campaigns", Set.of("GET"))),
                StoredCredential.of(hasher.hash(secret)),
                null,
                null,
                rate,
                quota,
                null);
    }

    private MockServerWebExchange exchange(HttpMethod method, String username, String password, String... headers) {
        MockServerHttpRequest.BaseBuilder<?> request = MockServerHttpRequest.method(method, "/campaigns/1")
                .remoteAddress(new InetSocketAddress("203.0.113.5", 40000));
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        if (username != null) {
            request.header(
                    HttpHeaders.AUTHORIZATION,
                    "Basic "
                            + Base64.getEncoder()
                                    .encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        MockServerWebExchange exchange = MockServerWebExchange.from(request.build());
        exchange.getAttributes()
                .put(
                        ServerWebExchangeUtils.GATEWAY_ROUTE_ATTR,
                        Route.async()
                                .id("campaigns")
                                .uri("http://upstream")
                                .predicate(e -> true)
                                .metadata("scopegate.api", "campaigns")
                                .metadata("scopegate.methods", Set.of("GET", "POST"))
                                .build());
        return exchange;
    }

    private MockServerWebExchange run(MockServerWebExchange exchange) {
        filter.filter(exchange, chain).block(Duration.ofSeconds(5));
        return exchange;
    }

    @Test
    void aPermittedRequestIsForwardedWithItsCallerAndCountedAllowed() {
        MockServerWebExchange exchange = run(exchange(HttpMethod.GET, SID, secret));

        assertThat(forwarded).hasValue(1);
        assertThat(Outcome.of(exchange)).isEqualTo(Outcome.ALLOWED);
        assertThat(exchange.<Caller>getAttribute(Caller.ATTRIBUTE).tokenId()).isEqualTo(SID);
    }

    @Test
    void aTokenWithoutLimitsGetsNoRateLimitHeaders() {
        MockServerWebExchange exchange = run(exchange(HttpMethod.GET, SID, secret));

        assertThat(exchange.getResponse().getHeaders().containsHeader("RateLimit-Limit"))
                .isFalse();
    }

    @Test
    void aRateLimitedTokenIsForwardedWithItsHeadersThenRefusedWithRetryAfter() {
        // Out of scope first: a refused request spends nothing of the rate.
        MockServerWebExchange outOfScope = run(exchange(HttpMethod.POST, RATE_LIMITED, secret));
        MockServerWebExchange first = run(exchange(HttpMethod.GET, RATE_LIMITED, secret));
        MockServerWebExchange second = run(exchange(HttpMethod.GET, RATE_LIMITED, secret));

        assertThat(outOfScope.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(forwarded).hasValue(1);
        assertThat(Outcome.of(first)).isEqualTo(Outcome.ALLOWED);
        HttpHeaders headers = first.getResponse().getHeaders();
        assertThat(headers.getFirst("RateLimit-Limit")).isEqualTo("1");
        assertThat(headers.getFirst("RateLimit-Remaining")).isEqualTo("0");
        assertThat(headers.getFirst("RateLimit-Reset")).isEqualTo("1");
        assertThat(headers.getFirst("RateLimit-Policy")).isEqualTo("1;w=1;burst=1");
        assertThat(second.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(Outcome.of(second)).isEqualTo(Outcome.RATE_LIMITED);
        assertThat(second.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(second.getResponse().getHeaders().getFirst("RateLimit-Remaining"))
                .isEqualTo("0");
        assertThat(second.getResponse().getBodyAsString().block()).contains("urn:scopegate:problem:too-many-requests");
    }

    @Test
    void aTokenOverItsDailyQuotaGetsQuotaExceededUntilMidnight() {
        MockServerWebExchange first = run(exchange(HttpMethod.GET, ONE_A_DAY, secret));
        MockServerWebExchange second = run(exchange(HttpMethod.GET, ONE_A_DAY, secret));

        assertThat(Outcome.of(first)).isEqualTo(Outcome.ALLOWED);
        assertThat(first.getResponse().getHeaders().getFirst("RateLimit-Policy"))
                .isEqualTo("1;w=86400");
        assertThat(second.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(Outcome.of(second)).isEqualTo(Outcome.QUOTA_EXCEEDED);
        assertThat(second.getResponse().getBodyAsString().block()).contains("urn:scopegate:problem:quota-exceeded");
        long untilMidnight = 86_400 - Math.floorMod(Instant.now().getEpochSecond(), 86_400);
        assertThat(Long.parseLong(second.getResponse().getHeaders().getFirst("Retry-After")))
                .isBetween(untilMidnight - 5, untilMidnight);
        assertThat(second.getResponse().getHeaders().getFirst("RateLimit-Remaining"))
                .isEqualTo("0");
        assertThat(forwarded).hasValue(1);
    }

    @Test
    @Tag("security")
    void everyRefusalBeforeTheScopeCheckIsTheSame403() {
        String wrong = new CredentialFormat(new SecureRandom())
                .generate(CredentialFormat.Kind.SCOPED)
                .value();
        MockServerWebExchange missing = run(exchange(HttpMethod.GET, null, null));
        MockServerWebExchange unknown = run(exchange(HttpMethod.GET, "ST" + "f".repeat(32), secret));
        MockServerWebExchange wrongSecret = run(exchange(HttpMethod.GET, SID, wrong));
        MockServerWebExchange disabled = run(exchange(HttpMethod.GET, "ST" + "d".repeat(32), secret));
        MockServerWebExchange expired = run(exchange(HttpMethod.GET, "ST" + "e".repeat(32), secret));
        MockServerWebExchange fenced = run(exchange(HttpMethod.GET, "ST" + "c".repeat(32), secret));

        assertThat(forwarded).hasValue(0);
        String body = missing.getResponse().getBodyAsString().block();
        for (MockServerWebExchange refused : List.of(missing, unknown, wrongSecret, disabled, expired, fenced)) {
            assertThat(refused.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(refused.getResponse().getHeaders().getContentType()).hasToString("application/problem+json");
            assertThat(refused.getResponse().getBodyAsString().block()).isEqualTo(body);
        }
        // Only the outcome, which never reaches the client, tells them apart.
        assertThat(List.of(missing, unknown, wrongSecret, disabled, expired, fenced))
                .extracting(Outcome::of)
                .containsExactly(
                        Outcome.UNAUTHENTICATED,
                        Outcome.UNAUTHENTICATED,
                        Outcome.UNAUTHENTICATED,
                        Outcome.DISABLED,
                        Outcome.EXPIRED,
                        Outcome.IP_NOT_ALLOWED);
    }

    /**
     * Security review, issue 14, finding 3: a NUL or control byte in the username reached the store
     * (503, a stack trace per request, never throttled). Now it is the common 403, to the byte, with
     * no lookup, and it counts against the address's failure budget.
     */
    @Test
    @Tag("security")
    void aUsernameThatIsNoSidIsTheCommon403WithoutLookupAndCountsAsAFailure() {
        String common = run(exchange(HttpMethod.GET, null, null))
                .getResponse()
                .getBodyAsString()
                .block();
        List<String> malformed = List.of("DEMO\u0000", "\u0000", "DE\u0001MO", SID + "\u0000", "D%00");
        for (String username : malformed) {
            MockServerWebExchange refused = run(exchange(HttpMethod.GET, username, secret));
            assertThat(refused.getResponse().getStatusCode()).as(username).isEqualTo(HttpStatus.FORBIDDEN);
            assertThat(refused.getResponse().getBodyAsString().block()).isEqualTo(common);
            assertThat(Outcome.of(refused)).isEqualTo(Outcome.UNAUTHENTICATED);
        }
        assertThat(storeLookups).hasValue(0);

        // Six failures (the missing header and five malformed names) used the budget of 6.
        MockServerWebExchange throttled = run(exchange(HttpMethod.GET, SID, secret));
        assertThat(throttled.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(storeLookups).hasValue(0);
    }

    @Test
    void aMethodOutsideTheScopesIsRefusedNamingTheMissingScope() {
        MockServerWebExchange exchange = run(exchange(HttpMethod.POST, SID, secret));

        assertThat(forwarded).hasValue(0);
        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(Outcome.of(exchange)).isEqualTo(Outcome.OUT_OF_SCOPE);
        assertThat(exchange.getResponse().getBodyAsString().block()).contains("campaigns:POST");
    }

    /** Issue 14: a WebSocket tunnel outlives its handshake's checks; an API must opt in to carry one. */
    @Test
    void aWebSocketUpgradeToAnApiThatHasNotOptedInIsRefusedOnceTheCallerIsKnown() {
        MockServerWebExchange upgrade = run(exchange(HttpMethod.GET, SID, secret, "Upgrade", "websocket"));

        assertThat(forwarded).hasValue(0);
        assertThat(upgrade.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(Outcome.of(upgrade)).isEqualTo(Outcome.WEBSOCKET_REFUSED);
        assertThat(upgrade.getResponse().getBodyAsString().block())
                .isEqualTo("{\"type\":\"urn:scopegate:problem:access-denied\",\"title\":\"Access Denied\","
                        + "\"status\":403,\"detail\":\"This API does not accept WebSocket connections\"}");

        // Before authentication it is the common refusal, to the byte.
        MockServerWebExchange anonymous = run(exchange(HttpMethod.GET, null, null, "Upgrade", "websocket"));
        MockServerWebExchange plain = run(exchange(HttpMethod.GET, null, null));
        assertThat(Outcome.of(anonymous)).isEqualTo(Outcome.UNAUTHENTICATED);
        assertThat(anonymous.getResponse().getBodyAsString().block())
                .isEqualTo(plain.getResponse().getBodyAsString().block());
    }

    @Test
    void pastItsFailureBudgetAnAddressGets429BeforeAnyLookup() {
        run(exchange(HttpMethod.GET, "ST" + "a".repeat(32), secret));
        run(exchange(HttpMethod.GET, "ST" + "b".repeat(32), secret));
        run(exchange(HttpMethod.GET, SID, "not-even-well-formed"));
        run(exchange(HttpMethod.GET, "ST" + "d".repeat(32), secret));
        run(exchange(HttpMethod.GET, "ST" + "e".repeat(32), secret));
        run(exchange(HttpMethod.GET, "ST" + "c".repeat(32), secret));
        int lookups = storeLookups.get();

        MockServerWebExchange throttled = run(exchange(HttpMethod.GET, SID, secret));

        assertThat(throttled.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(throttled.getResponse().getHeaders().getFirst("Retry-After")).isNotBlank();
        assertThat(Outcome.of(throttled)).isEqualTo(Outcome.THROTTLED);
        assertThat(storeLookups).hasValue(lookups);
        assertThat(forwarded).hasValue(0);
    }

    /**
     * Security review, issue 14, finding 4: the throttle checked before the lookup and counted after
     * it, so 400 simultaneous unknown SIDs from one address all reached the store. Here every lookup
     * stays pending until the end, as under a burst: only the budget's worth of them may start.
     */
    @Test
    @Tag("security")
    void simultaneousLookupsFromOneAddressAreBoundedByTheFailureBudget() {
        int budget = 100;
        GatewaySettings burstSettings = new GatewaySettings(
                budget, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(30), Duration.ofMillis(250), 1000);
        Sinks.Empty<Void> storeAnswers = Sinks.empty();
        AtomicInteger lookups = new AtomicInteger();
        Authenticator slowStore = new Authenticator(
                TestTokens.cache(name -> {
                    lookups.incrementAndGet();
                    return storeAnswers.asMono().then(Mono.just(CachedToken.UNKNOWN));
                }),
                new OutageGrace(() -> Clock.systemUTC().instant(), Duration.ofMinutes(5)),
                hasher,
                Clock.systemUTC());
        AccessGlobalFilter burstFilter = new AccessGlobalFilter(
                slowStore,
                new FailedAuthThrottle(
                        burstSettings,
                        Clock.fixed(Instant.now(), ZoneOffset.UTC),
                        TestLimits.localBackend(),
                        new LiveReplicas()),
                new ClientAddress(burstSettings),
                TestScopes.policy(),
                TestLimits.local(Clock.systemUTC()));

        List<MockServerWebExchange> exchanges = new ArrayList<>();
        List<Mono<Void>> answers = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            MockServerWebExchange exchange = exchange(HttpMethod.GET, "ST%032x".formatted(i), secret);
            exchanges.add(exchange);
            answers.add(burstFilter.filter(exchange, chain).cache());
        }
        answers.forEach(Mono::subscribe);

        // The cache sends misses to the store in batches, a few queries at a time: while the first
        // ones hang, the rest wait their turn and have not reached the store yet.
        assertThat(lookups).hasValueLessThanOrEqualTo(budget);
        storeAnswers.tryEmitEmpty();
        Mono.when(answers).block(Duration.ofSeconds(10));

        assertThat(exchanges)
                .extracting(e -> e.getResponse().getStatusCode())
                .containsOnly(HttpStatus.FORBIDDEN, HttpStatus.TOO_MANY_REQUESTS)
                .filteredOn(HttpStatus.FORBIDDEN::equals)
                .hasSize(budget);
        assertThat(lookups).hasValue(budget);
        assertThat(forwarded).hasValue(0);
    }

    /** Good credentials cost no budget, however they were decided; concurrent misses share one lookup. */
    @Test
    void goodCredentialsLoadedFromTheStoreGiveTheirReservationBack() {
        for (int i = 0; i < 20; i++) {
            run(exchange(HttpMethod.GET, SID, secret));
        }
        for (int i = 0; i < 5; i++) {
            run(exchange(HttpMethod.GET, "ST" + "a".repeat(31) + i, secret));
        }

        MockServerWebExchange sixth = run(exchange(HttpMethod.GET, "ST" + "b".repeat(32), secret));
        MockServerWebExchange seventh = run(exchange(HttpMethod.GET, SID, secret));

        assertThat(sixth.getResponse().getStatusCode()).isEqualTo(HttpStatus.FORBIDDEN);
        assertThat(seventh.getResponse().getStatusCode()).isEqualTo(HttpStatus.TOO_MANY_REQUESTS);
        assertThat(forwarded).hasValue(20);
    }

    @Test
    void aStoreThatDoesNotAnswerGives503NotA403() {
        storeAnswer = Mono.error(new TimeoutException());
        MockServerWebExchange exchange = run(exchange(HttpMethod.GET, SID, secret));

        assertThat(exchange.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(exchange.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");
        assertThat(Outcome.of(exchange)).isEqualTo(Outcome.STORE_UNAVAILABLE);
    }
}
