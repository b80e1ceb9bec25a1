package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Three gateway replicas counting on one real Redis ({@code scopegate.rate-limit.backend=redis}): a
 * token's rate, its quota and an address's failed-authentication budget hold for the cluster, not
 * per replica, however a client spreads its requests over them.
 */
class ClusterRateLimitTest extends SystemTest {

    private static final java.util.Random RANDOM = new java.util.Random();
    /** 20/s in CI; {@code -Dscopegate.test.cluster-rate=100} measures the figure on a quiet machine. */
    private static final int RATE = Integer.getInteger("scopegate.test.cluster-rate", 20);

    private static final int BURST = 5;
    /** Not a status: where {@link #load} puts the span of its sends, in milliseconds. */
    private static final int SPAN_MILLIS = -1;

    private static RedisServer redis;
    private static final List<RunningGateway> replicas = new ArrayList<>();

    @BeforeAll
    static void threeReplicasOnOneRedis() {
        Scopegate.get();
        redis = RedisServer.start();
        for (int i = 0; i < 3; i++) {
            replicas.add(RedisGateways.start(
                    redis,
                    Map.of(
                            "scopegate.gateway.auth-failures-per-minute",
                            "6",
                            // Five applications on a shared two-core machine: a pause past the production
                            // bound (100 ms) would move a decision to the replica's share mid-measurement.
                            "scopegate.rate-limit.redis-timeout",
                            "2s")));
        }
        for (RunningGateway replica : replicas) {
            awaitReady(replica);
            RedisGateways.awaitShared(replica);
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        replicas.forEach(RunningGateway::close);
        replicas.clear();
        if (redis != null) {
            redis.close();
        }
    }

    /**
     * An API all replicas route. Their probes carry no credentials, so each is a failed authentication:
     * they come from addresses of their own, so that the loopback address the other requests come from
     * keeps its budget of six.
     */
    private String routedApi() {
        String api = newApi("GET");
        for (RunningGateway replica : replicas) {
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> replica.client()
                                    .get()
                                    .uri("/" + api + "/probe")
                                    .header("X-Forwarded-For", "198.51.100." + (1 + RANDOM.nextInt(250)))
                                    .exchange()
                                    .returnResult(String.class)
                                    .getStatus()
                                    .value()
                            == 403);
        }
        return api;
    }

    /**
     * The measure: a client spreading one token's requests round-robin over three replicas for a
     * few seconds gets the token's rate within 5 %. Admitted is compared with what one bucket allows
     * over the measured time (burst + rate × the span between the first and the last request sent), not
     * with a fixed sleep, so a slow machine changes the expectation, not the verdict. The rate is
     * 20/s by default rather than the 100/s: the check needs more offered than admitted, and a
     * shared two-core build machine offers 30 to 60 requests a second through five applications in one
     * JVM; the arithmetic is the same at any rate (bench/ measures throughput), and the property above
     * runs it at 100/s.
     */
    @Test
    void threeReplicasHoldOneTokenToItsRateWithinFivePercent() {
        String account = newAccount();
        String api = routedApi();
        String warm = auth(createToken(account, api, "GET"));
        String limited = auth(createToken(
                account,
                Map.of(
                        "name",
                        unique("tier "),
                        "rateLimit",
                        Map.of("requestsPerSecond", RATE, "burst", BURST),
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET"))))));
        List<WebClient> clients = replicas.stream()
                .map(replica -> WebClient.create("http://localhost:" + replica.port()))
                .toList();
        // The request path compiled, the connections open, and the limited token in every replica's
        // cache (a POST is out of its scope, so it spends nothing of the rate) before the clock starts.
        load(clients, HttpMethod.GET, api, warm, Duration.ofSeconds(1));
        for (WebClient client : clients) {
            assertThat(load(List.of(client), HttpMethod.POST, api, limited, Duration.ZERO))
                    .containsEntry(403, 1);
        }

        Map<Integer, Integer> statuses = load(clients, HttpMethod.GET, api, limited, Duration.ofSeconds(4));

        double span = statuses.remove(SPAN_MILLIS) / 1e3;
        int admitted = statuses.getOrDefault(200, 0);
        String measured = statuses + " sent over " + span + " s";
        assertThat(statuses.keySet())
                .as("only admitted or rate-limited: " + measured)
                .containsOnly(200, 429);
        assertThat(statuses.get(429))
                .as("offered well over the rate, else nothing is measured: " + measured)
                .isGreaterThan(admitted / 2);
        double expected = BURST + RATE * span;
        // The figure the issue asks to measure, in the test's output: admitted against one bucket's worth.
        System.out.printf(
                "cluster rate %d/s over 3 replicas: admitted %d, one bucket allows %.1f (%+.1f %%); %s%n",
                RATE, admitted, expected, 100 * (admitted - expected) / expected, measured);
        assertThat((double) admitted).as(measured).isCloseTo(expected, withinPercentage(5));
        clients.get(0)
                .get()
                .uri("/" + api + "/x")
                .header(HttpHeaders.AUTHORIZATION, limited)
                .exchangeToMono(response -> {
                    assertThat(response.headers().asHttpHeaders().getFirst("RateLimit-Policy"))
                            .isEqualTo(RATE + ";w=1;burst=" + BURST);
                    return response.releaseBody();
                })
                .block(Duration.ofSeconds(10));
    }

    @Test
    void aDailyQuotaIsReachedOnceForTheWholeCluster() {
        String account = newAccount();
        String api = routedApi();
        Map<String, Object> token = createToken(account, api, "GET");
        String auth = auth(token);
        RedisGateways.setQuota(system, account, (String) token.get("sid"), 25, null);

        int admittedUnderQuota = 0;
        int unlimited = 0;
        int refusedInARow = 0;
        HttpHeaders lastAdmitted = null;
        HttpHeaders refused = null;
        String refusedBody = null;
        for (int i = 0; i < 200 && refusedInARow < 6; i++) {
            var result = replicas.get(i % 3)
                    .client()
                    .get()
                    .uri("/" + api + "/x")
                    .header(HttpHeaders.AUTHORIZATION, auth)
                    .exchange()
                    .returnResult(String.class);
            HttpHeaders headers = result.getResponseHeaders();
            int status = result.getStatus().value();
            if (status == 200 && headers.getFirst("RateLimit-Policy") == null) {
                unlimited++; // this replica has not reloaded the token with its quota yet
                continue;
            }
            if (status == 200) {
                admittedUnderQuota++;
                lastAdmitted = headers;
                refusedInARow = 0;
            } else {
                assertThat(status).isEqualTo(429);
                refused = headers;
                refusedBody = result.getResponseBody().blockFirst(Duration.ofSeconds(5));
                refusedInARow++;
            }
        }

        assertThat(unlimited).as("requests before every replica saw the quota").isLessThan(100);
        assertThat(admittedUnderQuota).isEqualTo(25);
        assertThat(refusedInARow).isEqualTo(6);
        assertThat(lastAdmitted.getFirst("RateLimit-Remaining")).isEqualTo("0");
        assertThat(lastAdmitted.getFirst("RateLimit-Limit")).isEqualTo("25");
        assertThat(lastAdmitted.getFirst("RateLimit-Policy")).isEqualTo("25;w=86400");
        long untilMidnight = 86_400 - Math.floorMod(Instant.now().getEpochSecond(), 86_400);
        assertThat(Long.parseLong(refused.getFirst("Retry-After"))).isBetween(untilMidnight - 10, untilMidnight);
        assertThat(refused.getFirst("RateLimit-Remaining")).isEqualTo("0");
        assertThat(refusedBody).contains("urn:scopegate:problem:quota-exceeded");
    }

    /** Six failures a minute per address, for the cluster: spreading guesses over three replicas buys none. */
    @Test
    void theFailedAuthenticationBudgetIsSharedByTheReplicas() {
        String account = newAccount();
        String api = routedApi();
        Map<String, Object> token = createToken(account, api, "GET");
        String bad = basic((String) token.get("sid"), "sgt_00000000000000000000000000000007zifQ");
        String attacker = "203.0.113." + (1 + RANDOM.nextInt(250));

        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            statuses.add(replicas.get(i % 3)
                    .client()
                    .get()
                    .uri("/" + api + "/x")
                    .header(HttpHeaders.AUTHORIZATION, bad)
                    .header("X-Forwarded-For", attacker)
                    .exchange()
                    .returnResult(String.class)
                    .getStatus()
                    .value());
        }

        assertThat(statuses.subList(0, 6)).containsOnly(403);
        assertThat(statuses.subList(6, 12)).containsOnly(429);
    }

    private static String auth(Map<String, Object> token) {
        return basic((String) token.get("sid"), (String) token.get("authToken"));
    }

    /**
     * Requests round-robin over the replicas, 24 at a time, for {@code duration} (at least one); the count
     * of each status, and under {@link #SPAN_MILLIS} the time between the first and the last sent.
     */
    private static Map<Integer, Integer> load(
            List<WebClient> clients, HttpMethod method, String api, String auth, Duration duration) {
        long deadline = System.nanoTime() + duration.toNanos();
        AtomicInteger next = new AtomicInteger();
        AtomicLong firstSent = new AtomicLong();
        AtomicLong lastSent = new AtomicLong();
        Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
        Flux.<Integer>generate(sink -> sink.next(next.getAndIncrement()))
                .takeWhile(i -> i == 0 || System.nanoTime() < deadline)
                .flatMap(
                        i -> clients.get(i % clients.size())
                                .method(method)
                                .uri("/" + api + "/x")
                                .header(HttpHeaders.AUTHORIZATION, auth)
                                .exchangeToMono(response -> response.releaseBody()
                                        .then(Mono.just(response.statusCode().value())))
                                .doOnSubscribe(sent -> {
                                    long now = System.nanoTime();
                                    firstSent.compareAndSet(0, now);
                                    lastSent.set(now);
                                }),
                        24)
                .doOnNext(status -> statuses.merge(status, 1, Integer::sum))
                .blockLast(Duration.ofSeconds(60));
        Map<Integer, Integer> result = new HashMap<>(statuses);
        result.put(SPAN_MILLIS, (int) ((lastSent.get() - firstSent.get()) / 1_000_000));
        return result;
    }
}
