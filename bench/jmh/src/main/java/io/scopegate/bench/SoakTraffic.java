package io.scopegate.bench;

import io.scopegate.store.credential.CredentialFormat;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;

/**
 * The traffic of a soak run (bench/soak.sh), in two steps.
 *
 * <p>{@code setup adminUrl password upstreamUrl credentialsFile gatewayUrl...}: two APIs ({@code soak}:
 * GET and POST on {@code /soak/**}; {@code soak-other}: GET on {@code /other/**}), 200 stable tokens
 * (10 accounts × 20, scope {@code soak:GET}) and 10 tokens that will be changed, written to the file;
 * returns once every gateway lets a stable token through.
 *
 * <p>{@code run adminUrl password credentialsFile requestsPerSecond intervalSeconds gatewayUrl...}, until
 * killed: requests at a fixed rate, open loop (each is sent when it is due, whatever the earlier ones
 * are doing, as long as fewer than 32 are in flight to that gateway), spread over the gateways in turn, every gateway getting the same mix per 20 requests:
 * 10 allowed (a stable token, {@code GET /soak/item}, 200), 3 out of scope (a stable token,
 * {@code POST /soak/item} or {@code GET /other/item}, 403), 3 wrong secrets (a stable token's SID with a
 * fresh well-formed secret, 403), 2 unknown SIDs (a fresh random SID, 403: each one a store lookup and a
 * cache entry), 2 to tokens being changed (200 or 403, depending on their state at the time). And one
 * change a second through the admin API, in turn: disable, enable, reset (the new secret is used from
 * then on), edit scopes (adding or removing {@code soak:POST} and {@code soak-other:GET}) on one of the
 * 10 changing tokens, then create a new token in another account and delete the oldest of those once
 * more than 5 are live (the deleted ones keep getting a share of the requests). Every interval, one
 * line per gateway and one for the admin API: requests, 200s, 403s, answers other than expected,
 * latency p50 / p99 / max in ms, measured from the time a request was due (so time spent queued
 * behind a slow answer counts), and the p99 of the 200s alone; for the admin API the same of its
 * change calls.
 */
public final class SoakTraffic {

    private static final String CHANGING_ACCOUNT = "SOAKCHURN";
    private static final String EPHEMERAL_ACCOUNT = "SOAKEPH";
    private static final String SCOPE_SOAK_GET = "{\"scopes\":[{\"api\":\"soak\",\"methods\":[\"GET\"]}]}";
    private static final String SCOPE_WIDER = "{\"scopes\":[{\"api\":\"soak\",\"methods\":[\"GET\",\"POST\"]},"
            + "{\"api\":\"soak-other\",\"methods\":[\"GET\"]}]}";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
    /**
     * Requests in flight per gateway at most, as a client's connection pool would bound them (and
     * wrk's 32 connections in the other benches); more wait their turn, their latency still counted
     * from when they were due. Without it a slow start (cold JIT) opened connections until the
     * gateway's limit per client address (256) refused them.
     */
    private static final int MAX_IN_FLIGHT = 32;
    /** A window is reported this long after its end: every request due in it has answered or timed out. */
    private static final long REPORT_DELAY_NANOS = REQUEST_TIMEOUT.toNanos() + 1_000_000_000L;

    enum Kind {
        ALLOWED,
        OUT_OF_SCOPE,
        WRONG_SECRET,
        UNKNOWN_SID,
        CHANGING;

        boolean expects(int status) {
            return switch (this) {
                case ALLOWED -> status == 200;
                case OUT_OF_SCOPE, WRONG_SECRET, UNKNOWN_SID -> status == 403;
                case CHANGING -> status == 200 || status == 403;
            };
        }
    }

    /** Per 20 requests to a gateway: 10 allowed, 3 out of scope, 3 wrong secrets, 2 unknown, 2 changing. */
    private static final Kind[] MIX = parseMix("AOAWAUACAOAWACAOAWAU");

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final CredentialFormat SECRETS = new CredentialFormat(RANDOM);

    public static void main(String[] args) throws Exception {
        HttpClient http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(2))
                .build();
        AdminClient admin = new AdminClient(http, args[1], args[2]);
        if (args[0].equals("setup")) {
            setup(http, admin, args[3], Path.of(args[4]), List.of(args).subList(5, args.length));
        } else {
            new SoakTraffic(http, admin, Path.of(args[3]), List.of(args).subList(6, args.length))
                    .run(Integer.parseInt(args[4]), Integer.parseInt(args[5]));
        }
    }

    // --- setup

    private static void setup(HttpClient http, AdminClient admin, String upstream, Path file, List<String> gateways)
            throws Exception {
        admin.putApi("soak", "[\"/soak/**\"]", "[\"GET\",\"POST\"]", upstream);
        admin.putApi("soak-other", "[\"/other/**\"]", "[\"GET\"]", upstream);
        List<String> lines = new ArrayList<>();
        for (int a = 1; a <= 10; a++) {
            for (String token : createTokens(admin, "SOAK" + a, 20)) {
                lines.add("stable " + token);
            }
        }
        for (String token : createTokens(admin, CHANGING_ACCOUNT, 10)) {
            lines.add("changing " + token);
        }
        admin.send("POST", "/v1/accounts", "{\"sid\":\"" + EPHEMERAL_ACCOUNT + "\",\"name\":\"soak\"}");
        Files.write(file, lines);
        String[] first = lines.get(0).split(" ");
        for (String gateway : gateways) {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            int status = 0;
            while (status != 200) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException(gateway + " still answers " + status + " to a stable token");
                }
                Thread.sleep(100);
                status = http.send(
                                get(gateway, "/soak/item", AdminClient.basic(first[1], first[2])),
                                HttpResponse.BodyHandlers.discarding())
                        .statusCode();
            }
        }
        System.out.println("setup: " + lines.size() + " tokens; every gateway lets a stable token through");
    }

    /** "SID SECRET" of each new token. */
    private static List<String> createTokens(AdminClient admin, String account, int count) throws Exception {
        admin.send("POST", "/v1/accounts", "{\"sid\":\"" + account + "\",\"name\":\"soak\"}");
        List<String> tokens = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String body = admin.send("POST", "/v1/accounts/" + account + "/tokens", newToken());
            tokens.add(AdminClient.field(body, "sid") + " " + AdminClient.field(body, "authToken"));
        }
        return tokens;
    }

    private static String newToken() {
        return "{\"name\":\"soak\"," + SCOPE_SOAK_GET.substring(1);
    }

    // --- run

    /** A token whose secret and scopes change during the run. */
    private static final class Changing {
        final String sid;
        volatile String authorization;
        boolean wider;

        Changing(String sid, String secret) {
            this.sid = sid;
            this.authorization = AdminClient.basic(sid, secret);
        }
    }

    /** Latencies and statuses of one target (a gateway or the admin API) in one interval. */
    private static final class Window {
        private long[] micros = new long[4096];
        private long[] allowedMicros = new long[4096];
        private int count;
        private int allowedCount;
        private int ok;
        private int refused;
        private int unexpected;
        private final Map<String, Integer> unexpectedByKind = new TreeMap<>();
        private final Map<String, Integer> changes = new TreeMap<>();

        synchronized void add(long latencyMicros, int status, boolean expected, String what) {
            if (count == micros.length) {
                micros = Arrays.copyOf(micros, count * 2);
            }
            micros[count++] = latencyMicros;
            if (status / 100 == 2) {
                ok++;
                if (allowedCount == allowedMicros.length) {
                    allowedMicros = Arrays.copyOf(allowedMicros, allowedCount * 2);
                }
                allowedMicros[allowedCount++] = latencyMicros;
            } else if (status == 403) {
                refused++;
            }
            if (!expected) {
                unexpected++;
                unexpectedByKind.merge(what + " " + status, 1, Integer::sum);
            }
        }

        synchronized void changed(String change) {
            changes.merge(change, 1, Integer::sum);
        }

        synchronized String report(long interval, String target) {
            Arrays.sort(micros, 0, count);
            Arrays.sort(allowedMicros, 0, allowedCount);
            StringBuilder line = new StringBuilder(String.format(
                    "interval %d %s requests %d ok %d refused %d unexpected %d p50 %.2f p99 %.2f max %.2f p99_ok %.2f",
                    interval,
                    target,
                    count,
                    ok,
                    refused,
                    unexpected,
                    percentile(micros, count, 0.50),
                    percentile(micros, count, 0.99),
                    count == 0 ? 0.0 : micros[count - 1] / 1000.0,
                    percentile(allowedMicros, allowedCount, 0.99)));
            if (!changes.isEmpty()) {
                line.append(" changes ").append(changes.toString().replace(" ", ""));
            }
            if (!unexpectedByKind.isEmpty()) {
                // status -1: timed out after 5 s; -2: connection error
                line.append("\n# interval ")
                        .append(interval)
                        .append(' ')
                        .append(target)
                        .append(" unexpected answers (kind status=count): ")
                        .append(unexpectedByKind);
            }
            return line.toString();
        }

        private static double percentile(long[] sorted, int n, double p) {
            return n == 0 ? 0.0 : sorted[(int) Math.ceil(n * p) - 1] / 1000.0;
        }
    }

    private final HttpClient http;
    private final AdminClient admin;
    private final List<String> gateways;
    private final List<String> stable = new ArrayList<>();
    private final List<String> stableSids = new ArrayList<>();
    private final List<Changing> changing = new ArrayList<>();
    /** Live tokens created during the run, oldest first, and the last few deleted; guarded by themselves. */
    private final ArrayDeque<Changing> ephemeral = new ArrayDeque<>();

    private final ArrayDeque<Changing> deleted = new ArrayDeque<>();
    private final Map<Long, Window[]> windows = new ConcurrentHashMap<>();
    private volatile long reported = -1;
    private long start;
    private long intervalNanos;
    private int requestsPerSecond;

    private SoakTraffic(HttpClient http, AdminClient admin, Path credentials, List<String> gateways)
            throws IOException {
        this.http = http;
        this.admin = admin;
        this.gateways = gateways;
        for (String line : Files.readAllLines(credentials)) {
            String[] fields = line.split(" ");
            if (fields[0].equals("stable")) {
                stable.add(AdminClient.basic(fields[1], fields[2]));
                stableSids.add(fields[1]);
            } else {
                changing.add(new Changing(fields[1], fields[2]));
            }
        }
    }

    private void run(int requestsPerSecond, int intervalSeconds) throws InterruptedException {
        this.requestsPerSecond = requestsPerSecond;
        intervalNanos = Duration.ofSeconds(intervalSeconds).toNanos();
        start = System.nanoTime();
        new Thread(this::changeEverySecond, "changes").start();
        new Thread(this::report, "reports").start();
        List<BlockingQueue<Long>> queues = new ArrayList<>();
        for (int target = 0; target < gateways.size(); target++) {
            BlockingQueue<Long> queue = new LinkedBlockingQueue<>();
            queues.add(queue);
            int sender = target;
            new Thread(() -> send(sender, queue), "gateway-" + (target + 1)).start();
        }
        long period = 1_000_000_000L / requestsPerSecond;
        for (long k = 0; ; k++) {
            long due = start + k * period;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            queues.get((int) (k % gateways.size())).add(k);
        }
    }

    /** Sends one gateway's requests (numbers k, due at start + k × period) as they come, at most MAX_IN_FLIGHT at once. */
    private void send(int target, BlockingQueue<Long> queue) {
        Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
        long period = 1_000_000_000L / requestsPerSecond;
        try {
            while (true) {
                long k = queue.take();
                inFlight.acquire();
                long due = start + k * period;
                Kind kind = MIX[(int) ((k / gateways.size()) % MIX.length)];
                long interval = (due - start) / intervalNanos;
                http.sendAsync(request(kind, gateways.get(target)), HttpResponse.BodyHandlers.discarding())
                        .whenComplete((response, error) -> {
                            inFlight.release();
                            long micros = (System.nanoTime() - due) / 1000;
                            int status = response != null
                                    ? response.statusCode()
                                    : error instanceof HttpTimeoutException ? -1 : -2;
                            Window window = window(interval, target);
                            if (window != null) {
                                window.add(micros, status, kind.expects(status), kind.name());
                            }
                        });
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private HttpRequest request(Kind kind, String gateway) {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return switch (kind) {
            case ALLOWED -> get(gateway, "/soak/item", stable.get(random.nextInt(stable.size())));
            case OUT_OF_SCOPE ->
                random.nextInt(3) == 0
                        ? get(gateway, "/other/item", stable.get(random.nextInt(stable.size())))
                        : HttpRequest.newBuilder(URI.create(gateway + "/soak/item"))
                                .header("Authorization", stable.get(random.nextInt(stable.size())))
                                .timeout(REQUEST_TIMEOUT)
                                .POST(HttpRequest.BodyPublishers.noBody())
                                .build();
            case WRONG_SECRET ->
                get(
                        gateway,
                        "/soak/item",
                        AdminClient.basic(stableSids.get(random.nextInt(stableSids.size())), wrongSecret()));
            case UNKNOWN_SID ->
                get(
                        gateway,
                        "/soak/item",
                        AdminClient.basic("ST" + HexFormat.of().formatHex(randomBytes()), wrongSecret()));
            case CHANGING -> get(gateway, random.nextBoolean() ? "/soak/item" : "/other/item", changingToken(random));
        };
    }

    private static String wrongSecret() {
        return SECRETS.generate(CredentialFormat.Kind.SCOPED).value();
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        ThreadLocalRandom.current().nextBytes(bytes);
        return bytes;
    }

    /** Half the time one of the 10 changing tokens, else one created during the run (live or deleted). */
    private String changingToken(ThreadLocalRandom random) {
        if (random.nextBoolean()) {
            synchronized (ephemeral) {
                List<Changing> created = new ArrayList<>(ephemeral);
                created.addAll(deleted);
                if (!created.isEmpty()) {
                    return created.get(random.nextInt(created.size())).authorization;
                }
            }
        }
        return changing.get(random.nextInt(changing.size())).authorization;
    }

    private static HttpRequest get(String gateway, String path, String authorization) {
        return HttpRequest.newBuilder(URI.create(gateway + path))
                .header("Authorization", authorization)
                .timeout(REQUEST_TIMEOUT)
                .build();
    }

    /** Null once the interval has been reported (a request answered later than that is left out). */
    private Window window(long interval, int target) {
        if (interval <= reported) {
            return null;
        }
        return windows.computeIfAbsent(interval, i -> {
            Window[] all = new Window[gateways.size() + 1];
            Arrays.setAll(all, t -> new Window());
            return all;
        })[target];
    }

    private void report() {
        for (long interval = 0; ; interval++) {
            long due = start + (interval + 1) * intervalNanos + REPORT_DELAY_NANOS;
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            reported = interval;
            Window[] all = windows.remove(interval);
            StringBuilder out = new StringBuilder();
            for (int target = 0; target <= gateways.size(); target++) {
                Window window = all == null ? new Window() : all[target];
                String name = target < gateways.size() ? "gw" + (target + 1) : "admin";
                out.append(window.report(interval + 1, name)).append('\n');
            }
            System.out.print(out);
            System.out.flush();
        }
    }

    // --- token changes

    private void changeEverySecond() {
        for (long step = 0; ; step++) {
            long due = start + step * 1_000_000_000L;
            while (System.nanoTime() < due) {
                LockSupport.parkNanos(due - System.nanoTime());
            }
            Changing token = changing.get((int) ((step / 5) % changing.size()));
            String tokens = "/v1/accounts/" + CHANGING_ACCOUNT + "/tokens/";
            try {
                switch ((int) (step % 5)) {
                    case 0 -> change("disable", "POST", tokens + token.sid + "/disable", "");
                    case 1 -> change("enable", "POST", tokens + token.sid + "/enable", "{}");
                    case 2 -> {
                        AdminClient.Response reset = change("reset", "POST", tokens + token.sid + "/reset", "{}");
                        if (reset.ok()) {
                            token.authorization =
                                    AdminClient.basic(token.sid, AdminClient.field(reset.body(), "authToken"));
                        }
                    }
                    case 3 -> {
                        token.wider = !token.wider;
                        change("scopes", "PATCH", tokens + token.sid, token.wider ? SCOPE_WIDER : SCOPE_SOAK_GET);
                    }
                    default -> createAndDelete();
                }
            } catch (IOException | RuntimeException e) {
                // Counted as an unexpected answer of the admin API; the changes go on.
                Window window = window(windowOf(System.nanoTime()), gateways.size());
                if (window != null) {
                    window.add(0, -2, false, "change");
                }
                System.err.println("change " + step + ": " + e);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void createAndDelete() throws IOException, InterruptedException {
        String tokens = "/v1/accounts/" + EPHEMERAL_ACCOUNT + "/tokens";
        AdminClient.Response created = change("create", "POST", tokens, newToken());
        if (created.ok()) {
            Changing token = new Changing(
                    AdminClient.field(created.body(), "sid"), AdminClient.field(created.body(), "authToken"));
            synchronized (ephemeral) {
                ephemeral.addLast(token);
            }
        }
        Changing oldest;
        synchronized (ephemeral) {
            oldest = ephemeral.size() > 5 ? ephemeral.peekFirst() : null;
        }
        if (oldest != null
                && change("delete", "DELETE", tokens + "/" + oldest.sid, "").ok()) {
            synchronized (ephemeral) {
                ephemeral.remove(oldest);
                deleted.addLast(oldest);
                if (deleted.size() > 5) {
                    deleted.removeFirst();
                }
            }
        }
    }

    /** One admin call, counted and timed in the admin API's window. */
    private AdminClient.Response change(String what, String method, String path, String json)
            throws IOException, InterruptedException {
        long sent = System.nanoTime();
        AdminClient.Response response = admin.call(method, path, json);
        Window window = window(windowOf(sent), gateways.size());
        if (window != null) {
            window.add((System.nanoTime() - sent) / 1000, response.status(), response.ok(), what);
            window.changed(what);
        }
        if (!response.ok()) {
            System.err.println(what + " " + path + ": " + response.status() + " " + response.body());
        }
        return response;
    }

    private long windowOf(long nanos) {
        return (nanos - start) / intervalNanos;
    }

    private static Kind[] parseMix(String letters) {
        Kind[] mix = new Kind[letters.length()];
        for (int i = 0; i < mix.length; i++) {
            mix[i] = switch (letters.charAt(i)) {
                case 'A' -> Kind.ALLOWED;
                case 'O' -> Kind.OUT_OF_SCOPE;
                case 'W' -> Kind.WRONG_SECRET;
                case 'U' -> Kind.UNKNOWN_SID;
                default -> Kind.CHANGING;
            };
        }
        return mix;
    }
}
