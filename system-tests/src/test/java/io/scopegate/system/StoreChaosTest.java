package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.r2dbc.pool.ConnectionPool;
import io.scopegate.system.ChaosLoad.Counts;
import io.scopegate.system.ChaosLoad.LoadToken;
import io.scopegate.system.ChaosLoad.Window;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Issue 15's chaos suite: the admin API and two gateways on a PostgreSQL of this test's own, a steady
 * load of requests through both gateways, and five faults of the store, one per test, in order:
 * <ol>
 *   <li>frozen for 10 s (SIGSTOP of every server process, then SIGCONT);
 *   <li>every client connection cut ({@code pg_terminate_backend});
 *   <li>a restart (fast shutdown, then a start on the same data directory and port);
 *   <li>the LISTEN connections alone cut, while tokens are being disabled;
 *   <li>away (stopped) for longer than {@code outage-grace}.
 * </ol>
 * For each: cached tokens served within the grace and refused (503) after it, revoked tokens never
 * served, admin calls answered within the store timeout (503 {@code store-unavailable} while the
 * store is away, 2xx once it is back, within 2 s), a revocation issued right after recovery applied on
 * both gateways within 1 s, usage equal to the 2xx the load saw (nothing lost, nothing doubled), and
 * no blocking call (BlockHound installed). Each fault prints one line of figures, also written to
 * {@code target/chaos-report.md}.
 * <p>
 * Bounds are the contract's plus a stated margin for a busy 2-core CI machine: {@link #SLACK} on the
 * store and health timeouts, {@link #RECOVERY_SLACK} on the 2 s recovery, {@link #REVOCATION_SLACK}
 * on the 1 s revocation. Each fault's checks are soft: every figure of a fault is measured and printed
 * even when one of them is wrong.
 */
@Tag("chaos")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class StoreChaosTest {

    /** Longer than the freeze, so faults 1-4 are within the grace; fault 5 outlasts it. */
    static final Duration OUTAGE_GRACE = Duration.ofSeconds(15);

    static final Duration GATEWAY_STORE_TIMEOUT = Duration.ofSeconds(2);
    static final Duration ADMIN_STORE_TIMEOUT = Duration.ofSeconds(2);
    /** Shorter than the admin API's store timeout, as it must be (the deadline would answer health). */
    static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(1);
    /** Margin on the store and health timeouts. */
    static final Duration SLACK = Duration.ofMillis(1500);
    /** An admin call answers 2xx this soon after the store is back... */
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(2);
    /** ...plus this margin. */
    static final Duration RECOVERY_SLACK = Duration.ofSeconds(1);
    /** The contract's bound on a revocation reaching every gateway... */
    static final Duration REVOCATION_BOUND = Duration.ofSeconds(1);
    /** ...plus this margin. */
    static final Duration REVOCATION_SLACK = Duration.ofMillis(500);
    /** Fault 5: the gateways serve cached tokens again this soon after the store is back. */
    static final Duration SERVED_AGAIN = Duration.ofSeconds(10);
    /** How long usage may take to reach the store once the load has stopped. */
    static final Duration USAGE_CATCH_UP = Duration.ofSeconds(20);

    static final Duration FREEZE = Duration.ofSeconds(10);
    static final Duration RESTART_DOWN = Duration.ofSeconds(3);
    /**
     * Long enough that the last outage check (started a second past the grace) is answered before the
     * store is back: an admin call may wait up to its store timeout and the slack, and one that was
     * still waiting at the restart got a connection and a 200 (a CI failure when AWAY was grace + 3 s).
     */
    static final Duration AWAY =
            OUTAGE_GRACE.plusSeconds(2).plus(ADMIN_STORE_TIMEOUT).plus(SLACK);

    static final Duration STEADY = Duration.ofMillis(1500);
    static final Duration WARM_UP = Duration.ofSeconds(4);

    /** Requests per second, over both gateways. */
    static final int RATE = 250;

    static final String PASSWORD = "chaos-operator-password";
    static final String API = "chaos";
    static final String STORE_UNAVAILABLE = "urn:scopegate:problem:store-unavailable";

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private StoreFaults store;
    private WireMockServer upstream;
    private ConfigurableApplicationContext admin;
    private final List<RunningGateway> gateways = new ArrayList<>();
    private ChaosLoad load;
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private String account;
    private final List<LoadToken> live = new ArrayList<>();
    private long usageSeenBefore;
    private long usageWrittenBefore;
    private int blockingCallsBefore;
    private final List<String> lines = new ArrayList<>();
    private final List<String> rows = new ArrayList<>();

    // ------------------------------------------------------------------ setup

    @BeforeAll
    void start() throws Exception {
        Scopegate.installBlockHound();
        store = StoreFaults.start();
        upstream = new WireMockServer(WireMockConfiguration.options()
                .dynamicPort()
                .containerThreads(40)
                .disableRequestJournal());
        upstream.start();
        upstream.stubFor(any(urlPathMatching("/" + API + "/.*"))
                .willReturn(aResponse()
                        .withStatus(200)
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"from\":\"upstream\"}")));
        admin = Scopegate.startAdmin(
                store.r2dbcUrl(),
                PASSWORD,
                Map.of(
                        "scopegate.admin.store-timeout", seconds(ADMIN_STORE_TIMEOUT),
                        "scopegate.health.timeout", seconds(HEALTH_TIMEOUT)));
        for (int i = 0; i < 2; i++) {
            gateways.add(Scopegate.startGateway(
                    store.r2dbcUrl(),
                    Map.of(
                            "scopegate.gateway.outage-grace", seconds(OUTAGE_GRACE),
                            "scopegate.gateway.store-timeout", seconds(GATEWAY_STORE_TIMEOUT),
                            "scopegate.health.timeout", seconds(HEALTH_TIMEOUT),
                            // Failed flushes are retried sooner, so a store that comes back gets them quickly.
                            "scopegate.usage.flush-timeout", "2s",
                            // WireMock on a busy 2-core machine is not what is under test: no 504 for slowness.
                            "spring.cloud.gateway.server.webflux.httpclient.response-timeout", "10s")));
        }

        account = (String)
                adminOk("POST", "/v1/accounts", Map.of("name", "Chaos")).json().get("sid");
        adminOk(
                "PUT",
                "/v1/apis/" + API,
                Map.of(
                        "name",
                        "Chaos",
                        "paths",
                        List.of("/" + API + "/**"),
                        "methods",
                        List.of("GET"),
                        "upstreamUrl",
                        "http://localhost:" + upstream.port(),
                        "latestVersion",
                        1));
        for (RunningGateway gateway : gateways) {
            awaitTrue("routed on " + gateway.port(), Duration.ofSeconds(10), () -> unauthenticated(gateway) == 403);
        }

        load = new ChaosLoad(
                gateways.stream().map(RunningGateway::port).toList(),
                "/" + API + "/",
                RATE,
                200,
                Duration.ofSeconds(20));
        for (int i = 1; i <= 3; i++) {
            LoadToken token = newToken("live " + i);
            cached(token);
            load.add(token);
            live.add(token);
        }
        LoadToken revoked = newToken("revoked at start");
        cached(revoked);
        load.add(revoked);
        SoftAssertions setup = new SoftAssertions();
        revoke(revoked, setup, "at start");
        setup.assertAll();

        System.out.println("chaos: store client backends: " + store.clientBackends());
        assertThat(store.listenConnections())
                .as("one LISTEN connection per gateway")
                .isGreaterThanOrEqualTo(2);
        // The request path compiled (JIT) before anything is judged: the first seconds of load are slow.
        Window warmUp = load.open("warm-up");
        Thread.sleep(WARM_UP.toMillis());
        load.pause();
        System.out.println("chaos " + warmUp);
        SoftAssertions usage = new SoftAssertions();
        awaitUsage(usage);
        usage.assertAll();
        usageSeenBefore = load.allowedSeen();
        usageWrittenBefore = usageWritten();
        blockingCallsBefore = Scopegate.blockingCalls().size();
    }

    @AfterEach
    void leaveTheStoreRunning() throws Exception {
        store.ensureRunning();
        load.pause();
    }

    @AfterAll
    void stop() throws Exception {
        if (load != null) {
            load.close();
        }
        gateways.forEach(RunningGateway::close);
        if (admin != null) {
            admin.close();
        }
        if (upstream != null) {
            upstream.stop();
        }
        if (store != null) {
            store.close();
        }
        if (!lines.isEmpty()) {
            System.out.println(String.join(System.lineSeparator(), lines));
            writeReport();
        }
    }

    // ------------------------------------------------------------------ the faults

    @Test
    @Order(1)
    void frozenStoreFor10Seconds() throws Exception {
        Fault fault = new Fault("freeze-10s");
        LoadToken victim = newLoadToken("victim freeze");
        LoadToken target = newToken("target freeze");
        fault.run(() -> {
            fault.steady();
            store.freeze();
            long frozenAt = fault.faultStarts("during");
            fault.duringOutage(target, Duration.ofMillis(500));
            fault.duringOutage(target, Duration.ofSeconds(5));
            sleepUntil(frozenAt + FREEZE.toNanos());
            fault.noCachedTokenRefused(fault.window);
            store.thaw();
            fault.endsAndIsOvercome(victim, target);
        });
    }

    @Test
    @Order(2)
    void everyConnectionCut() throws Exception {
        Fault fault = new Fault("cut-all");
        LoadToken victim = newLoadToken("victim cut");
        LoadToken target = newToken("target cut");
        fault.run(() -> {
            fault.steady();
            long cut = store.cutClientConnections();
            fault.faultStarts("after-cut");
            fault.note("cut=" + cut);
            fault.softly.assertThat(cut).as("connections cut").isGreaterThanOrEqualTo(3);
            // The very next admin calls succeed: the pool finds its connections dead and takes new ones.
            fault.adminSucceeds("GET", "/v1/apis", null);
            fault.recoveredAt(fault.faultStart);
            fault.adminSucceeds("POST", tokenPath(target) + "/disable", null);
            fault.adminSucceeds("GET", "/v1/accounts/" + account + "/tokens", null);
            fault.revocationAfterRecovery(victim);
            fault.nothingHalfWritten(target);
            fault.steadyAfter();
            fault.noCachedTokenRefused(fault.window);
        });
    }

    @Test
    @Order(3)
    void postgresRestart() throws Exception {
        Fault fault = new Fault("restart");
        LoadToken victim = newLoadToken("victim restart");
        LoadToken target = newToken("target restart");
        fault.run(() -> {
            fault.steady();
            store.stop();
            long stoppedAt = fault.faultStarts("down");
            Window down = fault.window;
            fault.duringOutage(target, Duration.ZERO);
            sleepUntil(stoppedAt + RESTART_DOWN.toNanos());
            fault.open("starting");
            store.startAgain();
            fault.noCachedTokenRefused(down);
            fault.noCachedTokenRefused(fault.window);
            fault.endsAndIsOvercome(victim, target);
        });
    }

    @Test
    @Order(4)
    void listenConnectionsCutWhileTokensAreDisabled() throws Exception {
        Fault fault = new Fault("listen-cut");
        LoadToken first = newLoadToken("disabled while not listening 1");
        LoadToken second = newLoadToken("disabled while not listening 2");
        LoadToken victim = newLoadToken("victim listen");
        fault.run(() -> {
            fault.steady();
            long listening = store.listenConnections();
            long cut = store.cutListenConnections();
            fault.faultStarts("not-listening");
            fault.note("listen-cut=" + cut);
            fault.softly
                    .assertThat(cut)
                    .as("LISTEN connections cut (one per gateway)")
                    .isGreaterThanOrEqualTo(2);
            // Disabled before the gateways listen again: the poll must catch both within the bound.
            fault.revoke(first, "while not listening");
            fault.revoke(second, "while not listening");
            long back = awaitNanos(Duration.ofSeconds(15), () -> store.listenConnections() >= listening);
            fault.softly
                    .assertThat(back)
                    .as("the gateways listen again (%d LISTEN connections)", listening)
                    .isNotNegative();
            fault.recoveredAt(fault.faultStart);
            fault.faultEnds();
            fault.revocationAfterRecovery(victim);
            fault.steadyAfter();
            fault.noCachedTokenRefused(fault.window);
        });
    }

    @Test
    @Order(5)
    void storeAwayLongerThanTheOutageGrace() throws Exception {
        Fault fault = new Fault("away-" + AWAY.toSeconds() + "s");
        LoadToken victim = newLoadToken("victim away");
        LoadToken target = newToken("target away");
        fault.run(() -> {
            fault.steady();
            store.stop();
            long stoppedAt = fault.faultStarts("within-grace");
            Window withinGrace = fault.window;
            AutoCloseable retrying = fault.adminClientRetrying(Duration.ofMillis(500));
            fault.duringOutage(target, Duration.ofMillis(500));
            fault.duringOutage(target, Duration.ofSeconds(6));
            // The grace runs from the last successful sync, just before the stop: a second either side
            // of its end is not judged.
            sleepUntil(stoppedAt + OUTAGE_GRACE.minusSeconds(1).toNanos());
            fault.open("grace-ends");
            sleepUntil(stoppedAt + OUTAGE_GRACE.plusSeconds(1).toNanos());
            Window pastGrace = fault.open("past-grace");
            fault.duringOutage(target, Duration.ZERO);
            sleepUntil(stoppedAt + AWAY.toNanos());
            retrying.close();
            // Not judged: the gateways may sync (and serve again) before the start returns.
            fault.open("starting");
            store.startAgain();
            fault.faultEnds();
            fault.noCachedTokenRefused(withinGrace);
            fault.refusedPastGrace(pastGrace);
            CompletableFuture<Long> servedAgain = fault.servedAgain();
            fault.recovery(RECOVERY_BOUND);
            fault.servedAgain(servedAgain);
            fault.judgeOutageChecks();
            fault.revocationAfterRecovery(victim);
            fault.nothingHalfWritten(target);
            fault.steadyAfter();
        });
    }

    // ------------------------------------------------------------------ one fault's measurements

    /** Figures and soft checks of one fault; {@link #run} always prints its line. */
    private final class Fault {
        final String name;
        final SoftAssertions softly = new SoftAssertions();
        final List<Window> windows = new ArrayList<>();
        final List<String> notes = new ArrayList<>();
        Window window;
        long faultStart;
        long faultEnd;
        Duration recovery;
        Duration servedAgain;
        final List<Duration> revocations = new ArrayList<>();
        final List<CompletableFuture<Runnable>> pending = new ArrayList<>();
        final List<Runnable> judgements = new ArrayList<>();
        int adminCalls;
        int adminAsExpected;
        int disablesTried;
        int disablesRefused;
        Duration slowestAdmin = Duration.ZERO;
        Duration slowestHealth = Duration.ZERO;
        Duration slowestUnknown = Duration.ZERO;
        String usage = "?";
        String halfWritten = "";

        Fault(String name) {
            this.name = name;
        }

        interface Body {
            void run() throws Exception;
        }

        void run(Body body) throws Exception {
            try {
                body.run();
            } catch (Exception | AssertionError e) {
                softly.fail("fault " + name + " aborted: " + e, e);
            } finally {
                store.ensureRunning();
                load.pause();
            }
            judgements.forEach(Runnable::run);
            healthyAgain();
            usage = awaitUsage(softly);
            noBlockingCall();
            print();
            softly.assertAll();
        }

        Window open(String phase) {
            window = load.open(name + ":" + phase);
            windows.add(window);
            return window;
        }

        void note(String note) {
            notes.add(note);
        }

        /** The load runs a while before the fault. */
        void steady() throws InterruptedException {
            open("before");
            Thread.sleep(STEADY.toMillis());
            noCachedTokenRefused(window);
        }

        void steadyAfter() throws InterruptedException {
            Thread.sleep(STEADY.toMillis());
        }

        long faultStarts(String phase) {
            faultStart = System.nanoTime();
            open(phase);
            return faultStart;
        }

        void faultEnds() {
            faultEnd = System.nanoTime();
            open("after");
        }

        /**
         * The fault is over: the admin API recovers within the bound, what was answered during the fault
         * is judged, a revocation holds, a change answered 503 was not made, and cached tokens are served.
         */
        void endsAndIsOvercome(LoadToken victim, LoadToken target) throws Exception {
            faultEnds();
            recovery(RECOVERY_BOUND);
            judgeOutageChecks();
            revocationAfterRecovery(victim);
            nothingHalfWritten(target);
            steadyAfter();
            noCachedTokenRefused(window);
        }

        /**
         * Within the grace (and before and after the fault), cached tokens are served: no 503, no
         * error. Judged once the load has stopped and every answer is in.
         */
        void noCachedTokenRefused(Window counted) {
            judgements.add(() -> servedAndRefused(counted));
        }

        /** Past the grace nothing is served: cached tokens get 503, revoked ones still 403. */
        void refusedPastGrace(Window counted) {
            judgements.add(() -> {
                softly.assertThat(counted.sum(counts -> counts.ok))
                        .as("nothing served past the grace: %s", counted)
                        .isZero();
                softly.assertThat(counted.live.unavailable.sum())
                        .as("cached tokens refused with 503 past the grace: %s", counted)
                        .isEqualTo(counted.live.sent.sum())
                        .isPositive();
                softly.assertThat(counted.revoked.forbidden.sum())
                        .as("revoked tokens still refused with 403 past the grace: %s", counted)
                        .isEqualTo(counted.revoked.sent.sum());
            });
        }

        private void servedAndRefused(Window counted) {
            softly.assertThat(counted.live.ok.sum())
                    .as("cached tokens served in %s", counted)
                    .isEqualTo(counted.live.sent.sum());
            softly.assertThat(counted.revoked.forbidden.sum())
                    .as("revoked tokens refused with 403 in %s", counted)
                    .isEqualTo(counted.revoked.sent.sum());
        }

        /**
         * With the store away: admin calls (a read, and a disable of {@code target}) answer 503
         * store-unavailable within the store timeout, the health endpoints answer within theirs, and
         * a token no gateway has in memory gets 503 within the gateway's store timeout. Starts
         * {@code after} the fault started; see {@link #judgeOutageChecks}.
         */
        void duringOutage(LoadToken target, Duration after) throws InterruptedException {
            sleepUntil(faultStart + after.toNanos());
            pending.addAll(startOutageChecks(target));
        }

        private List<CompletableFuture<Runnable>> startOutageChecks(LoadToken target) {
            List<CompletableFuture<Runnable>> checks = new ArrayList<>();
            checks.add(admin("GET", "/v1/apis", null).thenApply(answer -> () -> storeUnavailable(answer)));
            checks.add(admin("POST", tokenPath(target) + "/disable", null).thenApply(answer -> () -> {
                disablesTried++;
                if (answer.status() == 503) {
                    disablesRefused++;
                }
                storeUnavailable(answer);
            }));
            checks.add(get(adminManagement() + "/actuator/health").thenApply(answer -> () -> health("admin", answer)));
            for (RunningGateway gateway : gateways) {
                checks.add(get("http://localhost:" + gateway.managementPort() + "/actuator/health")
                        .thenApply(answer -> () -> health("gateway " + gateway.port(), answer)));
            }
            // A gateway loads every new token as soon as it hears of it: only a SID the store never
            // had is sure to be looked up (and fresh each time, since the answer "unknown" is kept).
            for (int i = 0; i < gateways.size(); i++) {
                int gateway = i;
                LoadToken unknown = target.stranger();
                long sent = System.nanoTime();
                checks.add(load.probe(gateway, unknown).thenApply(status -> {
                    Duration took = Duration.ofNanos(System.nanoTime() - sent);
                    return () -> unknownRefused(gateway, status, took);
                }));
            }
            return checks;
        }

        private void unknownRefused(int gateway, int status, Duration took) {
            slowestUnknown = max(slowestUnknown, took);
            softly.assertThat(status)
                    .as("a token gateway %d does not have in memory, with the store away", gateway)
                    .isEqualTo(503);
            softly.assertThat(took)
                    .as("its 503 within the store timeout (%s + %s)", GATEWAY_STORE_TIMEOUT, SLACK)
                    .isLessThanOrEqualTo(GATEWAY_STORE_TIMEOUT.plus(SLACK));
        }

        /**
         * An admin client that keeps calling through the outage, as real ones retry: each answer must
         * be the 503 within the bound, and none may keep the API from answering once the store is back.
         * Stop it (close) before the store returns.
         */
        AutoCloseable adminClientRetrying(Duration every) {
            ScheduledExecutorService client =
                    Executors.newSingleThreadScheduledExecutor(ChaosLoad.daemon("chaos-admin"));
            List<CompletableFuture<Runnable>> calls = new CopyOnWriteArrayList<>();
            client.scheduleAtFixedRate(
                    () -> calls.add(admin("GET", "/v1/apis", null).thenApply(answer -> () -> storeUnavailable(answer))),
                    0,
                    every.toMillis(),
                    TimeUnit.MILLISECONDS);
            return () -> {
                client.shutdownNow();
                client.awaitTermination(5, TimeUnit.SECONDS);
                pending.addAll(calls);
            };
        }

        /**
         * Waits (bounded) for the answers to the checks made during the outage, and judges them on
         * this thread. Called once the store is back, so that a check that hangs cannot make the
         * outage longer than planned; it is then judged by the time it took.
         */
        void judgeOutageChecks() throws Exception {
            for (CompletableFuture<Runnable> check : pending) {
                check.get(30, TimeUnit.SECONDS).run();
            }
            pending.clear();
        }

        private void storeUnavailable(Answer answer) {
            adminCalls++;
            slowestAdmin = max(slowestAdmin, answer.took());
            boolean expected = answer.status() == 503
                    && answer.header("Content-Type").startsWith("application/problem+json")
                    && STORE_UNAVAILABLE.equals(answer.problemType())
                    && !answer.header("Retry-After").isEmpty()
                    && answer.took().compareTo(ADMIN_STORE_TIMEOUT.plus(SLACK)) <= 0;
            if (expected) {
                adminAsExpected++;
            }
            softly.assertThat(answer.status())
                    .as("admin %s with the store away: 503 (%s)", answer.call(), answer.body())
                    .isEqualTo(503);
            softly.assertThat(answer.took())
                    .as(
                            "admin %s answered within the store timeout (%s + %s)",
                            answer.call(), ADMIN_STORE_TIMEOUT, SLACK)
                    .isLessThanOrEqualTo(ADMIN_STORE_TIMEOUT.plus(SLACK));
            if (answer.status() == 503) {
                softly.assertThat(answer.header("Content-Type"))
                        .as("admin %s 503 body type", answer.call())
                        .startsWith("application/problem+json");
                softly.assertThat(answer.problemType())
                        .as("admin %s problem type", answer.call())
                        .isEqualTo(STORE_UNAVAILABLE);
                softly.assertThat(answer.header("Retry-After"))
                        .as("admin %s Retry-After", answer.call())
                        .isNotEmpty();
            }
        }

        private void health(String service, Answer answer) {
            slowestHealth = max(slowestHealth, answer.took());
            softly.assertThat(answer.status())
                    .as("%s /actuator/health answers with the store away (%s)", service, answer.body())
                    .isIn(200, 503);
            softly.assertThat(answer.took())
                    .as("%s /actuator/health within the health timeout (%s + %s)", service, HEALTH_TIMEOUT, SLACK)
                    .isLessThanOrEqualTo(HEALTH_TIMEOUT.plus(SLACK));
        }

        /** The store is fine: an admin call succeeds at once. */
        void adminSucceeds(String method, String path, Object body) {
            Answer answer = admin(method, path, body).join();
            adminCalls++;
            slowestAdmin = max(slowestAdmin, answer.took());
            if (answer.status() / 100 == 2) {
                adminAsExpected++;
            }
            softly.assertThat(answer.status())
                    .as("admin %s right after the fault (%s)", answer.call(), answer.body())
                    .isBetween(200, 299);
            softly.assertThat(answer.took())
                    .as(
                            "admin %s answered within the store timeout (%s + %s)",
                            answer.call(), ADMIN_STORE_TIMEOUT, SLACK)
                    .isLessThanOrEqualTo(ADMIN_STORE_TIMEOUT.plus(SLACK));
        }

        /** Polls an admin call until 2xx; the time from the end of the fault is the recovery. */
        void recovery(Duration bound) throws InterruptedException {
            long deadline = faultEnd + Duration.ofSeconds(15).toNanos();
            Answer answer = null;
            while (System.nanoTime() < deadline) {
                answer = admin("GET", "/v1/apis", null).join();
                if (answer.status() / 100 == 2) {
                    recoveredAt(faultEnd);
                    softly.assertThat(recovery)
                            .as("admin 2xx after the fault within %s + %s", bound, RECOVERY_SLACK)
                            .isLessThanOrEqualTo(bound.plus(RECOVERY_SLACK));
                    return;
                }
                softly.assertThat(answer.status())
                        .as(
                                "admin %s while recovering: 503 or 2xx, never another error (%s)",
                                answer.call(), answer.body())
                        .isEqualTo(503);
                Thread.sleep(50);
            }
            softly.fail(
                    "admin API did not answer 2xx within 15 s after the fault; last: %s; its pool: %s",
                    answer, poolState(admin));
        }

        void recoveredAt(long since) {
            recovery = Duration.ofNanos(System.nanoTime() - since);
        }

        /** Fault 5: how long after the store is back the gateways serve cached tokens again. */
        /** Starts polling both gateways with a cached token, alongside the admin API's recovery. */
        CompletableFuture<Long> servedAgain() {
            return CompletableFuture.supplyAsync(() -> awaitNanos(SERVED_AGAIN, () -> {
                for (int i = 0; i < gateways.size(); i++) {
                    if (load.probe(i, live.get(0)).join() != 200) {
                        return false;
                    }
                }
                return true;
            }));
        }

        void servedAgain(CompletableFuture<Long> polled) {
            long took = polled.join();
            if (took < 0) {
                softly.fail(
                        "gateways did not serve cached tokens again within %s after the store came back", SERVED_AGAIN);
            } else {
                servedAgain = Duration.ofNanos(took);
            }
        }

        void revocationAfterRecovery(LoadToken victim) throws InterruptedException {
            revoke(victim, "right after recovery");
        }

        void revoke(LoadToken victim, String when) throws InterruptedException {
            revocations.add(StoreChaosTest.this.revoke(victim, softly, when));
        }

        /**
         * A disable attempted during the fault: whatever its answer, the token's row, its audit record
         * and what both gateways do with it agree once the store is back; and when every answer was
         * 503, nothing changed. (In these faults a 503 is never ambiguous: a frozen server holds the
         * transaction's first statement, a stopped one refuses the connection.)
         */
        void nothingHalfWritten(LoadToken target) throws Exception {
            String state = (String) store.value("select state from tokens where sid = ?", target.sid);
            long audited = store.count(
                    "select count(*) from audit_events where token_sid = ? and action = 'TOKEN_DISABLED'", target.sid);
            halfWritten = "target=" + state;
            if (disablesTried > 0 && disablesRefused == disablesTried) {
                softly.assertThat(state)
                        .as("a token whose every disable during the fault was answered 503")
                        .isEqualTo("ENABLED");
            }
            softly.assertThat(audited)
                    .as("audit record of the disable tried during the fault, token %s", state)
                    .isEqualTo("DISABLED".equals(state) ? 1 : 0);
            int expected = "DISABLED".equals(state) ? 403 : 200;
            long took = awaitNanos(REVOCATION_BOUND.plus(REVOCATION_SLACK), () -> {
                for (int i = 0; i < gateways.size(); i++) {
                    if (load.probe(i, target).join() != expected) {
                        return false;
                    }
                }
                return true;
            });
            softly.assertThat(took)
                    .as("both gateways answer %d for a token the store says is %s", expected, state)
                    .isNotNegative();
        }

        void noBlockingCall() {
            List<String> calls = Scopegate.blockingCalls();
            List<String> ours = calls.subList(Math.min(blockingCallsBefore, calls.size()), calls.size());
            softly.assertThat(ours).as("blocking calls caught by BlockHound").isEmpty();
            softly.assertThatThrownBy(() -> Mono.fromCallable(() -> {
                                Thread.sleep(1);
                                return 1;
                            })
                            .subscribeOn(Schedulers.parallel())
                            .block(Duration.ofSeconds(5)))
                    .as("BlockHound still installed")
                    .hasMessageContaining("Blocking call");
            blockingCallsBefore = Scopegate.blockingCalls().size();
            note("blocked=" + ours.size());
        }

        void print() {
            long sent = sum(c -> c.sent);
            long served = sum(c -> c.ok);
            long refused = sum(c -> c.forbidden);
            long unavailable = sum(c -> c.unavailable);
            long other5xx = sum(c -> c.otherServerError);
            long failed = sum(c -> c.failed) + sum(c -> c.otherStatus);
            long revokedServed =
                    windows.stream().mapToLong(w -> w.revokedServed.size()).sum();
            softly.assertThat(windows.stream().flatMap(w -> w.revokedServed.stream()))
                    .as("revoked tokens served")
                    .isEmpty();
            softly.assertThat(other5xx).as("5xx other than 503").isZero();
            softly.assertThat(failed)
                    .as("requests with no answer or an unexpected status")
                    .isZero();
            String admin = adminCalls == 0 ? "-" : adminAsExpected + "/" + adminCalls + " max=" + millis(slowestAdmin);
            String line = "chaos " + name + ": sent=" + sent + " served=" + served + " refused=" + refused
                    + " 503=" + unavailable + " other5xx=" + other5xx + " failed=" + failed + " skipped="
                    + windows.stream().mapToLong(w -> w.skipped.sum()).sum() + " slowest="
                    + windows.stream().mapToLong(Window::slowest).max().orElse(0) + "ms"
                    + " | admin-as-expected=" + admin
                    + (slowestHealth.isZero() ? "" : " health-max=" + millis(slowestHealth))
                    + (slowestUnknown.isZero() ? "" : " unknown-503-max=" + millis(slowestUnknown))
                    + " recovery=" + (recovery == null ? "none" : millis(recovery))
                    + (servedAgain == null ? "" : " served-again=" + millis(servedAgain))
                    + " revocations="
                    + revocations.stream().map(StoreChaosTest::millis).toList()
                    + " revoked-served=" + revokedServed
                    + " usage=" + usage
                    + (halfWritten.isEmpty() ? "" : " " + halfWritten)
                    + (notes.isEmpty() ? "" : " " + String.join(" ", notes));
            System.out.println(line);
            windows.forEach(w -> System.out.println("  " + w));
            lines.add(line);
            rows.add("| " + name + " | " + sent + " | " + served + " | " + refused + " | " + unavailable + " | "
                    + other5xx + " | " + admin + " | " + (recovery == null ? "none" : millis(recovery)) + " | "
                    + revocations.stream().map(StoreChaosTest::millis).toList() + " | " + revokedServed + " | "
                    + usage + " |");
        }

        private long sum(Function<Counts, LongAdder> field) {
            return windows.stream().mapToLong(w -> w.sum(field)).sum();
        }

        /** After the fault: the admin API and both gateways work again, before usage is compared. */
        void healthyAgain() throws InterruptedException {
            long took = awaitNanos(Duration.ofSeconds(20), () -> {
                if (admin("GET", "/v1/apis", null).join().status() / 100 != 2) {
                    return false;
                }
                for (int i = 0; i < gateways.size(); i++) {
                    if (load.probe(i, live.get(0)).join() != 200) {
                        return false;
                    }
                }
                return true;
            });
            softly.assertThat(took)
                    .as("admin API and gateways work 20 s after the fault")
                    .isNotNegative();
        }
    }

    // ------------------------------------------------------------------ helpers

    /**
     * Disables the token, then polls both gateways until both refuse it; returns the time from the
     * admin API's answer to that. From then on a 2xx for it is a revoked token served.
     */
    private Duration revoke(LoadToken token, SoftAssertions softly, String when) throws InterruptedException {
        token.revoking(System.nanoTime());
        Answer answer = admin("POST", tokenPath(token) + "/disable", null).join();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (answer.status() / 100 != 2 && System.nanoTime() < deadline) {
            softly.fail("disable of %s %s: %s", token, when, answer);
            Thread.sleep(200);
            answer = admin("POST", tokenPath(token) + "/disable", null).join();
        }
        long disabled = System.nanoTime();
        long took = awaitNanos(Duration.ofSeconds(10), () -> {
            List<CompletableFuture<Integer>> answers = new ArrayList<>();
            for (int i = 0; i < gateways.size(); i++) {
                answers.add(load.probe(i, token));
            }
            return answers.stream().allMatch(status -> status.join() == 403);
        });
        if (took < 0) {
            softly.fail("%s (disabled %s) still not refused by both gateways after 10 s", token, when);
            return Duration.ofSeconds(10);
        }
        long applied = System.nanoTime();
        token.revoked(applied);
        Duration latency = Duration.ofNanos(applied - disabled);
        softly.assertThat(latency)
                .as(
                        "%s disabled %s refused on both gateways within %s + %s",
                        token, when, REVOCATION_BOUND, REVOCATION_SLACK)
                .isLessThanOrEqualTo(REVOCATION_BOUND.plus(REVOCATION_SLACK));
        return latency;
    }

    /**
     * Waits (the load stopped) until the usage the gateways wrote equals the 2xx the load and the
     * probes saw, then checks it stays equal over a few more flushes: nothing lost, nothing doubled.
     */
    private String awaitUsage(SoftAssertions softly) throws Exception {
        // Since the end of the previous fault, so that one fault's error is not counted again in the next.
        long seen = load.allowedSeen() - usageSeenBefore;
        long deadline = System.nanoTime() + USAGE_CATCH_UP.toNanos();
        long written = usageWritten() - usageWrittenBefore;
        while (written < seen && System.nanoTime() < deadline) {
            Thread.sleep(100);
            written = usageWritten() - usageWrittenBefore;
        }
        softly.assertThat(written)
                .as("usage written (allowed requests in token_usage_daily) once flushed, against the 2xx seen")
                .isEqualTo(seen);
        // A few more flush intervals: a write retried after it had in fact succeeded would show now.
        Thread.sleep(1000);
        long later = usageWritten() - usageWrittenBefore;
        softly.assertThat(later)
                .as("usage written a second later (nothing counted twice)")
                .isEqualTo(seen);
        usageWrittenBefore += later;
        usageSeenBefore += seen;
        return later + "/" + seen;
    }

    private long usageWritten() throws Exception {
        return store.count(
                "select coalesce(sum(requests), 0) from token_usage_daily where account_sid = ? and outcome = 'allowed'",
                account);
    }

    private LoadToken newToken(String name) {
        Map<String, Object> created = adminOk(
                        "POST",
                        "/v1/accounts/" + account + "/tokens",
                        Map.of("name", name, "scopes", List.of(Map.of("api", API, "methods", List.of("GET")))))
                .json();
        String sid = (String) created.get("sid");
        return new LoadToken(name, sid, (String) created.get("authToken"));
    }

    /** A new token in the load, already cached by both gateways. */
    private LoadToken newLoadToken(String name) {
        LoadToken token = newToken(name);
        cached(token);
        load.add(token);
        return token;
    }

    private void cached(LoadToken token) {
        for (int i = 0; i < gateways.size(); i++) {
            int gateway = i;
            awaitTrue(
                    token + " served by gateway " + i,
                    Duration.ofSeconds(10),
                    () -> load.probe(gateway, token).join() == 200);
        }
    }

    private String tokenPath(LoadToken token) {
        return "/v1/accounts/" + account + "/tokens/" + token.sid;
    }

    private int unauthenticated(RunningGateway gateway) {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + gateway.port() + "/" + API + "/probe"))
                        .timeout(Duration.ofSeconds(10))
                        .GET()
                        .build())
                .join()
                .status();
    }

    /** The R2DBC pool's figures, to tell a wedged pool from a store that does not answer. */
    private static String poolState(ConfigurableApplicationContext context) {
        try {
            return context.getBean(ConnectionPool.class)
                    .getMetrics()
                    .map(m -> "acquired=" + m.acquiredSize() + " allocated=" + m.allocatedSize() + " idle="
                            + m.idleSize() + " pending=" + m.pendingAcquireSize() + " max=" + m.getMaxAllocatedSize())
                    .orElse("no metrics");
        } catch (RuntimeException e) {
            return "unknown (" + e + ")";
        }
    }

    private String adminManagement() {
        return "http://localhost:" + admin.getEnvironment().getProperty("local.management.port");
    }

    /** What one HTTP call got, and how long it took; status -1 when no answer came. */
    record Answer(String call, int status, Map<String, List<String>> headers, String body, Duration took) {

        String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream())
                    .findFirst()
                    .orElse("");
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> json() {
            return JSON.readValue(body, Map.class);
        }

        String problemType() {
            try {
                JsonNode type = JSON.readTree(body).path("type");
                return type.isMissingNode() ? null : type.asString();
            } catch (RuntimeException e) {
                return null;
            }
        }

        @Override
        public String toString() {
            return call + " -> " + status + " in " + millis(took) + " " + body;
        }
    }

    private CompletableFuture<Answer> admin(String method, String path, Object body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(
                        "http://localhost:" + admin.getEnvironment().getProperty("local.server.port") + path))
                .timeout(Duration.ofSeconds(15))
                .header("Authorization", basic("admin", PASSWORD));
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return send(request.build());
    }

    private Answer adminOk(String method, String path, Object body) {
        Answer answer = admin(method, path, body).join();
        assertThat(answer.status()).as("%s", answer).isBetween(200, 299);
        return answer;
    }

    private CompletableFuture<Answer> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(15))
                .GET()
                .build());
    }

    private CompletableFuture<Answer> send(HttpRequest request) {
        String call = request.method() + " " + request.uri().getPath();
        long start = System.nanoTime();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> new Answer(
                        call,
                        error == null ? response.statusCode() : -1,
                        error == null ? response.headers().map() : Map.of(),
                        error == null ? response.body() : error.toString(),
                        Duration.ofNanos(System.nanoTime() - start)));
    }

    static String basic(String username, String secret) {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() + "ms";
    }

    static String millis(Duration duration) {
        return duration.toMillis() + "ms";
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static void sleepUntil(long nanos) throws InterruptedException {
        long left = nanos - System.nanoTime();
        if (left > 0) {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /** Polls every 20 ms; the nanoseconds it took, or -1 when {@code within} passed first. */
    private static long awaitNanos(Duration within, Check check) {
        long start = System.nanoTime();
        long deadline = start + within.toNanos();
        while (true) {
            try {
                if (check.holds()) {
                    return System.nanoTime() - start;
                }
            } catch (Exception e) {
                // not yet
            }
            if (System.nanoTime() > deadline) {
                return -1;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    private static void awaitTrue(String what, Duration within, Check check) {
        assertThat(awaitNanos(within, check)).as(what).isNotNegative();
    }

    interface Check {
        boolean holds() throws Exception;
    }

    private void writeReport() throws IOException {
        Path report = Path.of("target", "chaos-report.md");
        Files.createDirectories(report.getParent());
        List<String> table = new ArrayList<>(List.of(
                "| fault | requests | served | refused (403) | 503 | other 5xx | admin calls as expected (slowest) | admin recovery | revocations applied in | revoked served | usage written/seen |",
                "|---|---|---|---|---|---|---|---|---|---|---|"));
        table.addAll(rows);
        table.add("");
        table.addAll(lines);
        Files.write(report, table);
    }
}
