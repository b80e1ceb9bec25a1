package io.scopegate.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * An embedded PostgreSQL of one test's own, and the faults a store can have: frozen (every process
 * of the server stopped with SIGSTOP, so connections stay open and nothing answers), every client
 * connection cut, the LISTEN connections alone cut, stopped and started again on the same data
 * directory and port. Called from the test's thread, never from an event loop: this is the
 * environment, not the code under test.
 */
final class StoreFaults implements AutoCloseable {

    private final Path dataDirectory;
    private final int port;
    private EmbeddedPostgres postgres;
    private List<Long> frozen = List.of();

    private StoreFaults(Path dataDirectory, int port, EmbeddedPostgres postgres) {
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.postgres = postgres;
    }

    /** A new server on a fresh data directory and a free port. */
    static StoreFaults start() throws IOException {
        Path dataDirectory = Files.createTempDirectory("scopegate-chaos-pg");
        EmbeddedPostgres postgres = builder(dataDirectory).start();
        return new StoreFaults(dataDirectory, postgres.getPort(), postgres);
    }

    /**
     * Keeps the data directory when closed (the restart needs it); the test deletes it at the end.
     * The postmaster's output goes to the test's output only when it matters (startup failures).
     */
    private static EmbeddedPostgres.Builder builder(Path dataDirectory) {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(false)
                .setPGStartupWait(Duration.ofSeconds(60));
    }

    int port() {
        return port;
    }

    String r2dbcUrl() {
        return "r2dbc:postgresql://localhost:" + port + "/postgres";
    }

    boolean running() {
        return postgres != null;
    }

    boolean isFrozen() {
        return !frozen.isEmpty();
    }

    /**
     * SIGSTOP to the postmaster and to every process under it (backends, checkpointer, WAL writer,
     * ...): stopping the postmaster alone would leave the existing backends answering. The
     * postmaster goes first so that it forks no new backend meanwhile. New connections are accepted
     * by the kernel and then hang, as with a store that stopped answering.
     */
    void freeze() throws IOException, InterruptedException {
        if (isFrozen()) {
            throw new IllegalStateException("already frozen");
        }
        long postmaster = postmasterPid();
        ProcessHandle handle = ProcessHandle.of(postmaster)
                .orElseThrow(() -> new IllegalStateException("no postmaster " + postmaster));
        signal("-STOP", List.of(postmaster));
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster);
        frozen = pids;
        List<Long> children = handle.descendants().map(ProcessHandle::pid).toList();
        signal("-STOP", children);
        pids.addAll(children);
    }

    /** SIGCONT, children first, then the postmaster. Does nothing when not frozen. */
    void thaw() throws IOException, InterruptedException {
        if (!isFrozen()) {
            return;
        }
        List<Long> pids = new ArrayList<>(frozen);
        Collections.reverse(pids);
        signal("-CONT", pids);
        frozen = List.of();
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!kill.waitFor(10, TimeUnit.SECONDS)) {
            kill.destroyForcibly();
            throw new IOException("kill " + signal + " did not finish");
        }
        // A process that ended meanwhile (a backend whose client left) is no reason to fail.
        if (kill.exitValue() != 0) {
            String output = new String(kill.getInputStream().readAllBytes());
            if (!output.contains("No such process")) {
                throw new IOException("kill " + signal + " " + pids + " failed: " + output);
            }
        }
    }

    /** The first line of {@code postmaster.pid}. */
    long postmasterPid() throws IOException {
        try (Stream<String> lines = Files.lines(dataDirectory.resolve("postmaster.pid"))) {
            return Long.parseLong(lines.findFirst().orElseThrow().trim());
        }
    }

    /** Terminates every client backend but this query's own; returns how many were cut. */
    long cutClientConnections() throws SQLException {
        return count("select count(pg_terminate_backend(pid)) from pg_stat_activity"
                + " where pid <> pg_backend_pid() and backend_type = 'client backend'");
    }

    /** Terminates only the backends listening for notifications; returns how many were cut. */
    long cutListenConnections() throws SQLException {
        return count("select count(pg_terminate_backend(pid)) from pg_stat_activity"
                + " where pid <> pg_backend_pid() and backend_type = 'client backend' and query ilike 'LISTEN %'");
    }

    /** Client backends whose last query was a LISTEN: one per gateway replica while it listens. */
    long listenConnections() throws SQLException {
        return count("select count(*) from pg_stat_activity"
                + " where pid <> pg_backend_pid() and backend_type = 'client backend' and query ilike 'LISTEN %'");
    }

    /** What the client backends are doing, for the test's output. */
    List<String> clientBackends() throws SQLException {
        List<String> backends = new ArrayList<>();
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement();
                ResultSet rows =
                        statement.executeQuery("select application_name, state, left(query, 60) from pg_stat_activity"
                                + " where pid <> pg_backend_pid() and backend_type = 'client backend' order by 3")) {
            while (rows.next()) {
                backends.add(rows.getString(1) + " [" + rows.getString(2) + "] " + rows.getString(3));
            }
        }
        return backends;
    }

    long count(String sql, Object... parameters) throws SQLException {
        Object value = value(sql, parameters);
        return value == null ? 0 : ((Number) value).longValue();
    }

    /** The first column of the first row (null when there is none), read over JDBC. */
    Object value(String sql, Object... parameters) throws SQLException {
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                var statement = connection.prepareStatement(sql)) {
            statement.setQueryTimeout(10);
            for (int i = 0; i < parameters.length; i++) {
                statement.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? rows.getObject(1) : null;
            }
        }
    }

    /** A fast shutdown ({@code pg_ctl stop -m fast}): every connection is closed by the server. */
    void stop() throws IOException, InterruptedException {
        thaw();
        if (postgres != null) {
            postgres.close();
            postgres = null;
            untilPortRefuses();
        }
    }

    /**
     * The embedded server's stop waits 5 s for the postmaster and, on a busy machine, may return
     * while it is still shutting down (it logs the failure and goes on): the fault starts only once
     * nothing listens on the port any more, so that no call judged "with the store away" reaches it.
     */
    private void untilPortRefuses() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Socket probe = new Socket()) {
                probe.connect(new InetSocketAddress("localhost", port), 500);
            } catch (IOException refused) {
                return;
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException("PostgreSQL still listens on " + port + " a minute after its stop");
    }

    /** Starts the server again on the same data directory and port. */
    void startAgain() throws IOException {
        if (postgres != null) {
            throw new IllegalStateException("already running");
        }
        postgres = builder(dataDirectory).setPort(port).start();
    }

    /** Whatever a failed test left: running and not frozen. */
    void ensureRunning() throws IOException, InterruptedException {
        thaw();
        if (postgres == null) {
            startAgain();
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
        try (Stream<Path> files = Files.walk(dataDirectory)) {
            files.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        }
    }
}
