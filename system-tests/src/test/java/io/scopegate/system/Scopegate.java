package io.scopegate.system;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.scopegate.admin.AdminApiApplication;
import io.scopegate.gateway.GatewayApplication;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.http.client.ReactorResourceFactory;
import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;

/**
 * The whole system in this JVM, started once: the admin API (which starts the embedded PostgreSQL
 * and migrates it), two gateway replicas on that same store, and a WireMock upstream. Tests that
 * need a gateway with other settings start their own with {@link #startGateway}.
 * BlockHound is installed first: any blocking call on an event loop fails the request it happens in.
 */
final class Scopegate {

    static final String OPERATOR_PASSWORD = "system-test-operator-password";
    static final String HMAC_KEY = "c3lzdGVtLXRlc3QtaG1hYy1rZXktMzItYnl0ZXMhISE=";
    static final String ENCRYPTION_KEY = "c3lzdGVtLXRlc3QtYWVzLWtleS0zMi1ieXRlcyEhISE=";

    private static Scopegate instance;
    private static boolean blockHoundInstalled;
    private static final List<String> blockingCalls = new CopyOnWriteArrayList<>();

    final ConfigurableApplicationContext admin;
    final WireMockServer upstream;
    final List<RunningGateway> gateways;
    private final String r2dbcUrl;

    private Scopegate() {
        installBlockHound();
        upstream =
                new WireMockServer(WireMockConfiguration.options().dynamicPort().containerThreads(20));
        upstream.start();
        admin = run(
                AdminApiApplication.application().sources(CheapPasswordHashing.class),
                Map.ofEntries(
                        Map.entry("server.port", "0"),
                        Map.entry("management.server.port", "0"),
                        Map.entry("spring.main.banner-mode", "off"),
                        Map.entry("spring.cloud.gateway.server.webflux.enabled", "false"),
                        // The gateway's Redis client is on this classpath; the admin API has no Redis.
                        Map.entry("spring.cloud.gateway.server.webflux.redis.enabled", "false"),
                        Map.entry("management.health.redis.enabled", "false"),
                        Map.entry("scopegate.credentials.hmac-key", HMAC_KEY),
                        Map.entry("scopegate.credentials.encryption-key", ENCRYPTION_KEY),
                        Map.entry("scopegate.bootstrap.admin.password", OPERATOR_PASSWORD),
                        Map.entry("scopegate.report.metrics-interval", "2s"),
                        // The upstream is WireMock on localhost.
                        Map.entry("scopegate.catalog.allow-private-upstreams", "true")));
        r2dbcUrl = admin.getEnvironment().getProperty("spring.r2dbc.url");
        gateways = List.of(startGateway(Map.of()), startGateway(Map.of()));
    }

    /**
     * Installs BlockHound in this JVM, once; every system test calls it before it starts an
     * application. A blocking call on a non-blocking thread still fails where it happens (the
     * default), and is also remembered, so a test can tell that none happened even where the
     * failure was swallowed or turned into a status.
     */
    static synchronized void installBlockHound() {
        if (blockHoundInstalled) {
            return;
        }
        BlockHound.install(builder -> builder
                // SecureRandom reads /dev/urandom, which never blocks; BlockHound sees a file read.
                .allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "implNextBytes")
                .allowBlockingCallsInside("sun.security.provider.NativePRNG$RandomIO", "ensureBufferValid")
                // Console logging in tests takes the appender's lock.
                .allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
                // Netty 4.2's default allocator takes a StampedLock for the moment it swaps its array of
                // magazines when threads contend (a busy machine); Netty's own BlockHound rules miss it.
                .allowBlockingCallsInside(
                        "io.netty.buffer.AdaptivePoolingAllocator$MagazineGroup", "tryExpandMagazines")
                .blockingMethodCallback(method -> {
                    BlockingOperationError error = new BlockingOperationError(method);
                    blockingCalls.add(method + " on " + Thread.currentThread().getName() + where(error));
                    throw error;
                }));
        blockHoundInstalled = true;
    }

    /** The frames of the project's code and of the libraries it calls, without Reactor's own plumbing. */
    private static String where(Throwable error) {
        StringBuilder frames = new StringBuilder();
        int shown = 0;
        for (StackTraceElement frame : error.getStackTrace()) {
            String name = frame.getClassName();
            if (name.startsWith("reactor.blockhound") || name.startsWith("reactor.core.publisher")) {
                continue;
            }
            frames.append(System.lineSeparator()).append("    at ").append(frame);
            if (++shown == 40) {
                break;
            }
        }
        return frames.toString();
    }

    /** Every blocking call BlockHound caught in this JVM so far, each with where it was made. */
    static List<String> blockingCalls() {
        return List.copyOf(blockingCalls);
    }

    static synchronized Scopegate get() {
        if (instance == null) {
            instance = new Scopegate();
        }
        return instance;
    }

    int adminPort() {
        return Integer.parseInt(admin.getEnvironment().getProperty("local.server.port"));
    }

    String r2dbcUrl() {
        return r2dbcUrl;
    }

    /** A gateway replica on the shared store; {@code overrides} win over the test defaults. */
    RunningGateway startGateway(Map<String, String> overrides) {
        return startGateway(r2dbcUrl, overrides);
    }

    /** A gateway replica on the store at {@code r2dbcUrl}, with the same test defaults. */
    static RunningGateway startGateway(String r2dbcUrl, Map<String, String> overrides) {
        Map<String, Object> properties = new HashMap<>(Map.of(
                "server.port", "0",
                "management.server.port", "0",
                "spring.main.banner-mode", "off",
                "spring.r2dbc.url", r2dbcUrl,
                "spring.r2dbc.username", "postgres",
                "spring.r2dbc.password", "postgres",
                "spring.flyway.enabled", "false",
                "scopegate.credentials.hmac-key", HMAC_KEY,
                // The shared replicas serve many tests from one address: the throttle has tests of its own.
                "scopegate.gateway.auth-failures-per-minute", "0"));
        properties.put("spring.cloud.gateway.server.webflux.httpclient.response-timeout", "2s");
        // Usage reaches the store quickly, so tests read it back without long waits.
        properties.put("scopegate.usage.flush-interval", "200ms");
        // admin-api's Spring Security is on this test classpath; the gateway never uses its filter chain.
        properties.put(
                "spring.autoconfigure.exclude",
                String.join(
                        ",",
                        "org.springframework.boot.security.autoconfigure.SecurityAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.ReactiveUserDetailsServiceAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.web.reactive.ReactiveWebSecurityAutoConfiguration",
                        "org.springframework.boot.security.autoconfigure.actuate.web.reactive.ReactiveManagementWebSecurityAutoConfiguration"));
        properties.putAll(overrides);
        return new RunningGateway(run(GatewayApplication.application(), properties));
    }

    /**
     * Properties as command-line arguments, so they win over each application's own settings file.
     * Each application gets Reactor Netty resources of its own: with the default global ones, closing
     * one gateway would shut down the event loops of every server in this JVM.
     */
    /**
     * An admin API of a test's own on the store at {@code r2dbcUrl} (a PostgreSQL of that test's own),
     * with the operator {@code admin} and {@code password}; {@code overrides} win.
     */
    static ConfigurableApplicationContext startAdmin(String r2dbcUrl, String password, Map<String, String> overrides) {
        Map<String, Object> properties = new HashMap<>(Map.ofEntries(
                Map.entry("server.port", "0"),
                Map.entry("management.server.port", "0"),
                Map.entry("spring.main.banner-mode", "off"),
                Map.entry("spring.cloud.gateway.server.webflux.enabled", "false"),
                Map.entry("spring.cloud.gateway.server.webflux.redis.enabled", "false"),
                Map.entry("management.health.redis.enabled", "false"),
                Map.entry("spring.r2dbc.url", r2dbcUrl),
                Map.entry("spring.r2dbc.username", "postgres"),
                Map.entry("spring.r2dbc.password", "postgres"),
                Map.entry("scopegate.credentials.hmac-key", HMAC_KEY),
                Map.entry("scopegate.credentials.encryption-key", ENCRYPTION_KEY),
                Map.entry("scopegate.bootstrap.admin.password", password),
                // Upstreams and webhook receivers are WireMock on localhost.
                Map.entry("scopegate.catalog.allow-private-upstreams", "true")));
        properties.putAll(overrides);
        return run(AdminApiApplication.application().sources(CheapPasswordHashing.class), properties);
    }

    static ConfigurableApplicationContext run(SpringApplicationBuilder application, Map<String, ?> properties) {
        String[] args = properties.entrySet().stream()
                .map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        return application
                .initializers(context -> ((GenericApplicationContext) context)
                        .registerBean(ReactorResourceFactory.class, () -> {
                            ReactorResourceFactory resources = new ReactorResourceFactory();
                            resources.setUseGlobalResources(false);
                            return resources;
                        }))
                .run(args);
    }
}
