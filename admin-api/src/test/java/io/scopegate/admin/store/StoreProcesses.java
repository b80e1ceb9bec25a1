package io.scopegate.admin.store;

import io.scopegate.store.embedded.EmbeddedStore;
import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The embedded PostgreSQL's processes, for tests that make it fail as production stores do: frozen
 * (SIGSTOP, as a hung disk or a partitioned network looks), every client connection cut (as a
 * failover or a restart does), or one query's connection ended under it.
 */
final class StoreProcesses {

    private final EmbeddedStore store = EmbeddedStore.obtain(null, 0);

    /** Stops the server and every backend until {@link #thaw}; returns what to thaw. */
    List<Long> freeze() throws Exception {
        ProcessHandle postmaster;
        // The backend's parent, asked while the backend lives (it ends with its connection).
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("select pg_backend_pid()")) {
            result.next();
            postmaster = ProcessHandle.of(result.getLong(1))
                    .flatMap(ProcessHandle::parent)
                    .orElseThrow(() -> new IllegalStateException("no postmaster found"));
        }
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster.pid());
        postmaster.descendants().forEach(process -> pids.add(process.pid()));
        signal("STOP", pids);
        // A backend forked between the listing and the postmaster's stop (a pool refilling after a
        // cut) would still answer: list again now that nothing can fork, and stop the late ones too.
        List<Long> late = postmaster
                .descendants()
                .map(ProcessHandle::pid)
                .filter(pid -> !pids.contains(pid))
                .toList();
        if (!late.isEmpty()) {
            signal("STOP", late);
            pids.addAll(late);
        }
        return pids;
    }

    void thaw(List<Long> pids) throws Exception {
        signal("CONT", pids);
    }

    /** Terminates every client connection but the one asking, as a failover does; returns how many. */
    int cutEveryConnection() throws SQLException {
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("""
                        select count(pg_terminate_backend(pid)) from pg_stat_activity
                        where pid <> pg_backend_pid() and backend_type = 'client backend'
                        """)) {
            result.next();
            return result.getInt(1);
        }
    }

    /**
     * Runs {@code call} while {@code table} is locked, and terminates the backend that waits for the
     * lock: the call's query fails at once (57P01), as it does when a failover or a restart ends it.
     */
    <T> T failFastDuring(String table, Supplier<T> call) throws Exception {
        try (Connection locker = connect();
                Connection killer = connect()) {
            locker.setAutoCommit(false);
            try (Statement lock = locker.createStatement()) {
                lock.execute("lock table " + table + " in access exclusive mode");
            }
            CompletableFuture<T> result = CompletableFuture.supplyAsync(call);
            // The call cannot end while the lock is held unless its query was ended: end every query
            // waiting for the lock (background jobs' too) until it has.
            long giveUpAt = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (!result.isDone() && System.nanoTime() < giveUpAt) {
                Thread.sleep(25);
                try (Statement statement = killer.createStatement()) {
                    statement.execute("""
                            select pg_terminate_backend(pid) from pg_stat_activity
                            where wait_event_type = 'Lock' and pid <> pg_backend_pid()
                            """);
                }
            }
            locker.rollback();
            return result.get(30, TimeUnit.SECONDS);
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(store.jdbcUrl(), "postgres", "postgres");
    }

    private static void signal(String signal, List<Long> pids) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        // Some backends may have ended in between: kill's exit code is not the test's concern.
        new ProcessBuilder(command).redirectErrorStream(true).start().waitFor();
    }
}
