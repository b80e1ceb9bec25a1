package io.scopegate.system;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real {@code redis-server} from the machine (Debian's {@code redis-server} package), started by a
 * test on a free port with a directory of its own and no persistence, and killed, paused or restarted
 * by it. Where it is missing the Redis tests are skipped with how to install it, unless
 * {@code SCOPEGATE_REDIS_TESTS=required} (set by CI): then its absence fails the build, so a CI run
 * can never pass with them silently skipped.
 */
final class RedisServer implements AutoCloseable {

    static final String REQUIRED = "SCOPEGATE_REDIS_TESTS";
    private static final List<String> BINARIES = List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server");

    private final String binary;
    private final int port;
    private final Path dir;
    private Process process;

    private RedisServer(String binary, int port, Path dir) {
        this.binary = binary;
        this.port = port;
        this.dir = dir;
    }

    static RedisServer start() {
        Optional<String> binary = BINARIES.stream()
                .filter(path -> Files.isExecutable(Path.of(path)))
                .findFirst();
        if (binary.isEmpty()) {
            String how = "No redis-server here: install it to run the shared rate-limit tests"
                    + " (Debian/Ubuntu: sudo apt-get install redis-server)";
            if ("required".equals(System.getenv(REQUIRED))) {
                fail(how + "; " + REQUIRED + "=required, so they may not be skipped");
            }
            Assumptions.abort(how);
        }
        try {
            RedisServer server =
                    new RedisServer(binary.get(), freePort(), Files.createTempDirectory("scopegate-redis-"));
            server.run();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The password every test Redis requires; the gateways get it as spring.data.redis.password. */
    static final String PASSWORD = "test-redis-password";

    /** {@code spring.data.redis.url} for the gateways (without the password, as a ConfigMap would hold it). */
    String url() {
        return "redis://127.0.0.1:" + port;
    }

    /** kill -9: connections drop at once, as when a node dies. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    /** A new, empty Redis on the same port, as after a restart without persistence. */
    void restart() {
        run();
    }

    /** SIGSTOP: connections stay open and nothing answers, as with a hung or overloaded node. */
    void pause() throws IOException, InterruptedException {
        signal("-STOP");
    }

    void resume() throws IOException, InterruptedException {
        signal("-CONT");
    }

    private void run() {
        try {
            process = new ProcessBuilder(
                            binary,
                            "--port",
                            Integer.toString(port),
                            "--bind",
                            "127.0.0.1",
                            // As in production: a Redis that wants a password (run.sh's does too).
                            "--requirepass",
                            PASSWORD,
                            "--dir",
                            dir.toString(),
                            "--save",
                            "",
                            "--appendonly",
                            "no",
                            "--daemonize",
                            "no")
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("redis.log").toFile())
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Process started = process;
        // A test JVM that dies (or is killed) must not leave its Redis running.
        Runtime.getRuntime().addShutdownHook(new Thread(started::destroyForcibly));
        await().atMost(Duration.ofSeconds(10)).until(this::accepting);
    }

    private boolean accepting() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void signal(String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", signal, Long.toString(process.pid())).start();
        kill.waitFor(10, TimeUnit.SECONDS);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            // SIGKILL ends a stopped process too.
            kill();
        }
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is no reason to fail a test.
        }
    }
}
