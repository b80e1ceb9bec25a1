package io.scopegate.bench;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A revocation storm (an account base offboarded): {@code tokens} tokens, each cached on every replica,
 * disabled through the admin API at {@code rate} calls per second (ten at a time, one operator) — a disable
 * per token, or with {@code -Dstorm.mode=accounts} a disable-all per account of 20 — while a paced
 * background load of other tokens' requests runs against the replicas. After each disable call
 * returns, one request per replica with the disabled token must be refused. Reports the rate reached,
 * how each call's Scopegate-Propagation ended, and the background requests' p50/p99 before and during
 * the storm, measured from each request's scheduled send time (open loop: a slow answer does not
 * delay the next request, so the tail is not hidden).
 * -Dstorm.warmup=N (default: tokens): first the same storm, unmeasured, on N other tokens (the JIT).
 * Usage: RevocationStorm adminUrl adminPassword tokens rate backgroundPerSecond gatewayUrl...
 */
public final class RevocationStorm {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final Pattern WAITED = Pattern.compile("confirmed=(\\d+)/(\\d+); ms=(\\d+)(; timeout)?");

    private static final int ADMIN_CALLS_AT_ONCE = 10;

    private record Token(String account, String sid, String auth) {}

    private record Sample(long scheduledNanos, double millis, int status) {}

    public static void main(String[] args) {
        try {
            storm(args);
            System.exit(0);
        } catch (Throwable failed) {
            // The pools' threads are not daemons: without an exit a failure would leave the JVM (and the script)
            // waiting.
            failed.printStackTrace();
            System.exit(1);
        }
    }

    private static void storm(String[] args) throws Exception {
        AdminClient admin = new AdminClient(HTTP, args[0], args[1]);
        int tokens = Integer.parseInt(args[2]);
        int rate = Integer.parseInt(args[3]);
        int backgroundPerSecond = Integer.parseInt(args[4]);
        List<String> gateways = List.of(args).subList(5, args.length);

        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        upstream.setExecutor(Executors.newFixedThreadPool(2));
        upstream.start();
        admin.putApi(
                "storm",
                "[\"/storm/**\"]",
                "[\"GET\"]",
                "http://127.0.0.1:" + upstream.getAddress().getPort());

        // Ten admin calls at a time: the admin API admits at most ten password checks of one user under
        // way at once (its sign-in throttle counts checks in flight); more would queue there and be refused.
        ExecutorService workers = Executors.newFixedThreadPool(ADMIN_CALLS_AT_ONCE);
        ExecutorService probes = Executors.newFixedThreadPool(16);
        List<Token> doomed = provision(admin, workers, "STORM", tokens);
        List<Token> bystanders = provision(admin, workers, "CALM", 20);
        int warmUpTokens = Integer.getInteger("storm.warmup", tokens);
        List<Token> warmUp = warmUpTokens > 0 ? provision(admin, workers, "WARM", warmUpTokens) : List.of();
        System.out.printf(
                "provisioned %d tokens to revoke, %d for a warm-up storm and %d bystanders%n",
                doomed.size(), warmUp.size(), bystanders.size());
        // Every doomed token in every replica's memory, so each revocation has something to undo there.
        List<CompletableFuture<Void>> warming = new ArrayList<>();
        for (Token token : concat(doomed, warmUp)) {
            for (String gateway : gateways) {
                warming.add(CompletableFuture.runAsync(() -> require(status(gateway, token), 204, token), probes));
            }
        }
        warming.forEach(CompletableFuture::join);

        ConcurrentLinkedQueue<Sample> background = new ConcurrentLinkedQueue<>();
        ScheduledExecutorService pacer = Executors.newSingleThreadScheduledExecutor();
        long periodNanos = 1_000_000_000L / backgroundPerSecond;
        AtomicInteger sent = new AtomicInteger();
        pacer.scheduleAtFixedRate(
                () -> {
                    int n = sent.getAndIncrement();
                    long scheduled = System.nanoTime();
                    Token token = bystanders.get(n % bystanders.size());
                    String gateway = gateways.get(n % gateways.size());
                    HTTP.sendAsync(request(gateway, token), HttpResponse.BodyHandlers.discarding())
                            .whenComplete((response, error) -> background.add(new Sample(
                                    scheduled,
                                    (System.nanoTime() - scheduled) / 1e6,
                                    error == null ? response.statusCode() : -1)));
                },
                0,
                periodNanos,
                TimeUnit.NANOSECONDS);
        boolean perAccount = "accounts".equals(System.getProperty("storm.mode", "tokens"));
        if (!warmUp.isEmpty()) {
            // The same storm on other accounts first: the first run of the revoking calls, the replicas' reloads
            // and their refusals is mostly JIT compilation (70 % of the admin API's and the replicas' CPU in a
            // profile of a cold storm), which a long-running deployment has long done.
            Storm warm = storm(admin, warmUp, perAccount, rate, gateways, workers, probes);
            System.out.printf(
                    "warm-up storm (not measured): %d revocations in %.2f s, %d of %d first requests refused%n",
                    warmUp.size(), warm.seconds(), warm.refusedAtOnce(), warmUp.size() * gateways.size());
        }
        long calmFrom = System.nanoTime();
        Thread.sleep(10_000);
        // The script measures each process's CPU from this line to "storm ends".
        System.out.println("storm begins");
        Storm measured = storm(admin, doomed, perAccount, rate, gateways, workers, probes);
        System.out.println("storm ends");
        long stormStart = measured.startNanos();
        long stormEnd = measured.endNanos();
        List<String> headers = measured.headers();
        List<Double> callMillis = measured.callMillis();
        List<List<Token>> batches = measured.batches();
        Thread.sleep(2_000);
        pacer.shutdown();
        pacer.awaitTermination(5, TimeUnit.SECONDS);
        Thread.sleep(1_000);

        int stillAccepted = 0;
        for (Token token : doomed) {
            for (String gateway : gateways) {
                if (status(gateway, token) != 403) {
                    stillAccepted++;
                }
            }
        }
        List<Double> waited = new ArrayList<>();
        int timeouts = 0;
        int withoutHeader = 0;
        for (String header : headers) {
            Matcher matcher = WAITED.matcher(String.valueOf(header));
            if (!matcher.matches()) {
                // A defect of the admin API (every revoking call must say how far it got), counted, not fatal.
                withoutHeader++;
                continue;
            }
            waited.add(Double.parseDouble(matcher.group(3)));
            if (matcher.group(4) != null) {
                timeouts++;
            }
        }
        Collections.sort(waited);
        List<Double> calmMillis = new ArrayList<>();
        List<Double> stormMillis = new ArrayList<>();
        int backgroundErrors = 0;
        for (Sample sample : background) {
            if (sample.status() != 204) {
                backgroundErrors++;
            }
            if (sample.scheduledNanos() >= calmFrom && sample.scheduledNanos() < stormStart) {
                calmMillis.add(sample.millis());
            } else if (sample.scheduledNanos() >= stormStart && sample.scheduledNanos() <= stormEnd) {
                stormMillis.add(sample.millis());
            }
        }
        Collections.sort(calmMillis);
        Collections.sort(stormMillis);
        double seconds = measured.seconds();
        System.out.printf(
                "storm: %d disables over %d replicas in %.2f s (%.0f revocations/s in %d %s calls, asked %d calls/s)%n",
                doomed.size(),
                gateways.size(),
                seconds,
                doomed.size() / seconds,
                batches.size(),
                perAccount ? "disable-all" : "disable",
                rate);
        System.out.printf(
                "each call's Scopegate-Propagation: %d missing, %d timeouts; wait p50 %.0f ms, p99 %.0f ms, max %.0f ms;"
                        + " call p50 %.0f ms, p99 %.0f ms%n",
                withoutHeader,
                timeouts,
                percentile(waited, 50),
                percentile(waited, 99),
                percentile(waited, 100),
                percentile(callMillis, 50),
                percentile(callMillis, 99));
        System.out.printf(
                "first request per replica after each call returned: %d of %d refused; afterwards %d still accepted%n",
                measured.refusedAtOnce(), doomed.size() * gateways.size(), stillAccepted);
        System.out.printf(
                "background (%d/s, from the scheduled send): before p50 %.1f ms, p99 %.1f ms (%d);"
                        + " during the storm p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d); non-204: %d%n",
                backgroundPerSecond,
                percentile(calmMillis, 50),
                percentile(calmMillis, 99),
                calmMillis.size(),
                percentile(stormMillis, 50),
                percentile(stormMillis, 99),
                percentile(stormMillis, 100),
                stormMillis.size(),
                backgroundErrors);
        workers.shutdown();
        probes.shutdown();
        upstream.stop(0);
    }

    private record Storm(
            long startNanos,
            long endNanos,
            List<List<Token>> batches,
            List<String> headers,
            List<Double> callMillis,
            int refusedAtOnce) {

        double seconds() {
            return (endNanos - startNanos) / 1e9;
        }
    }

    /**
     * One revoking call per token (disable), or one disable-all per account; after each call returns, one
     * request per replica with each token it revoked, counted when refused.
     */
    private static Storm storm(
            AdminClient admin,
            List<Token> doomed,
            boolean perAccount,
            int rate,
            List<String> gateways,
            ExecutorService workers,
            ExecutorService probes) {
        long stormStart = System.nanoTime();
        List<List<Token>> batches =
                perAccount ? byAccount(doomed) : doomed.stream().map(List::of).toList();
        List<CompletableFuture<String>> calls = new ArrayList<>();
        AtomicInteger refusedAtOnce = new AtomicInteger();
        List<Double> callMillis = Collections.synchronizedList(new ArrayList<>());
        List<CompletableFuture<Void>> probed = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < batches.size(); i++) {
            List<Token> batch = batches.get(i);
            long due = stormStart + i * 1_000_000_000L / rate;
            calls.add(CompletableFuture.supplyAsync(
                    () -> {
                        sleepUntil(due);
                        long calling = System.nanoTime();
                        AdminClient.Response answer =
                                perAccount ? disableAll(admin, batch) : disable(admin, batch.get(0));
                        callMillis.add((System.nanoTime() - calling) / 1e6);
                        // The probes of a batch run on their own threads, so that they do not hold back the next call.
                        List<CompletableFuture<Void>> ours = new ArrayList<>();
                        for (Token token : batch) {
                            for (String gateway : gateways) {
                                ours.add(CompletableFuture.runAsync(
                                        () -> {
                                            if (status(gateway, token) == 403) {
                                                refusedAtOnce.incrementAndGet();
                                            }
                                        },
                                        probes));
                            }
                        }
                        probed.addAll(ours);
                        if (!perAccount) {
                            ours.forEach(CompletableFuture::join);
                        }
                        return answer.propagation();
                    },
                    workers));
        }
        List<String> headers = calls.stream().map(CompletableFuture::join).toList();
        long stormEnd = System.nanoTime();
        List.copyOf(probed).forEach(CompletableFuture::join);
        List<Double> sorted = new ArrayList<>(callMillis);
        Collections.sort(sorted);
        return new Storm(stormStart, stormEnd, batches, headers, sorted, refusedAtOnce.get());
    }

    /** {@code count} tokens on the API, 20 per account (the admin API's limit of active tokens). */
    private static List<Token> provision(AdminClient admin, ExecutorService workers, String prefix, int count)
            throws Exception {
        List<CompletableFuture<List<Token>>> accounts = new ArrayList<>();
        for (int a = 0; a * 20 < count; a++) {
            String account =
                    prefix + a + "X" + Long.toString(System.nanoTime(), 36).toUpperCase();
            int inThis = Math.min(20, count - a * 20);
            accounts.add(CompletableFuture.supplyAsync(
                    () -> {
                        try {
                            admin.send("POST", "/v1/accounts", "{\"sid\":\"" + account + "\",\"name\":\"storm\"}");
                            List<Token> made = new ArrayList<>();
                            for (int t = 0; t < inThis; t++) {
                                String body = admin.send(
                                        "POST",
                                        "/v1/accounts/" + account + "/tokens",
                                        "{\"name\":\"t" + t
                                                + "\",\"scopes\":[{\"api\":\"storm\",\"methods\":[\"GET\"]}]}");
                                String sid = AdminClient.field(body, "sid");
                                made.add(new Token(
                                        account, sid, AdminClient.basic(sid, AdminClient.field(body, "authToken"))));
                            }
                            return made;
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    },
                    workers));
        }
        List<Token> all = new ArrayList<>();
        for (CompletableFuture<List<Token>> account : accounts) {
            all.addAll(account.join());
        }
        return all;
    }

    private static AdminClient.Response disable(AdminClient admin, Token token) {
        try {
            AdminClient.Response answer =
                    admin.call("POST", "/v1/accounts/" + token.account() + "/tokens/" + token.sid() + "/disable", "");
            if (!answer.ok()) {
                throw new IllegalStateException("disable answered " + answer.status() + " " + answer.body());
            }
            return answer;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** One disable-all per account: every token of it in one change. */
    private static AdminClient.Response disableAll(AdminClient admin, List<Token> account) {
        try {
            AdminClient.Response answer = admin.call(
                    "POST", "/v1/accounts/" + account.get(0).account() + "/tokens/disable-all", "{\"all\":true}");
            if (!answer.ok() || AdminClient.count(answer.body(), "\"sid\"") != account.size()) {
                throw new IllegalStateException("disable-all answered " + answer.status() + " " + answer.body());
            }
            return answer;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<Token> concat(List<Token> a, List<Token> b) {
        List<Token> both = new ArrayList<>(a);
        both.addAll(b);
        return both;
    }

    private static List<List<Token>> byAccount(List<Token> tokens) {
        return List.copyOf(tokens.stream()
                .collect(java.util.stream.Collectors.groupingBy(
                        Token::account, java.util.LinkedHashMap::new, java.util.stream.Collectors.toList()))
                .values());
    }

    private static HttpRequest request(String gateway, Token token) {
        // Long: on a busy machine a first load can take seconds, and a slow answer is a figure, not a failure.
        return HttpRequest.newBuilder(URI.create(gateway + "/storm/x"))
                .header("Authorization", token.auth())
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    private static int status(String gateway, Token token) {
        try {
            return HTTP.send(request(gateway, token), HttpResponse.BodyHandlers.discarding())
                    .statusCode();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void require(int status, int expected, Token token) {
        if (status != expected) {
            throw new IllegalStateException(token.sid() + " answered " + status + ", not " + expected);
        }
    }

    private static void sleepUntil(long nanoTime) {
        long left = nanoTime - System.nanoTime();
        if (left > 0) {
            try {
                TimeUnit.NANOSECONDS.sleep(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Of a sorted list; NaN when empty. */
    private static double percentile(List<Double> sorted, int percent) {
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * percent / 100.0) - 1));
    }
}
