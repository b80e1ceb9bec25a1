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
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Revocation propagation, end to end: create a token, see it pass on every replica, disable it through
 * the admin API, send each replica one request the instant the call returned (all refused is the
 * promise: the call waits for every replica's acknowledgement), then poll each replica until it
 * refuses. Figures: how many of those first requests were refused, the disable call's own duration and
 * the wait its Scopegate-Propagation header reports, and from the call's return to the moment the
 * last replica refused. The API's upstream
 * is a local server answering 204 at once, so a poll that still passes is as quick as one that is
 * refused: the polls' round trip is the measurement's resolution, and is printed with it.
 * Usage: RevocationProbe adminUrl adminPassword trials gatewayUrl...
 */
public final class RevocationProbe {

    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private static final AtomicLong POLLS = new AtomicLong();
    private static final AtomicLong POLL_NANOS = new AtomicLong();
    private static final AtomicLong REFUSED_FROM_MEMORY_NANOS = new AtomicLong();
    private static final Pattern WAITED = Pattern.compile("confirmed=(\\d+)/(\\d+); ms=(\\d+)(; timeout)?");

    public static void main(String[] args) throws Exception {
        AdminClient admin = new AdminClient(HTTP, args[0], args[1]);
        int trials = Integer.parseInt(args[2]);
        List<String> gateways = List.of(args).subList(3, args.length);
        HttpServer upstream = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        upstream.createContext("/", exchange -> {
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        ExecutorService upstreamThreads = Executors.newFixedThreadPool(2);
        upstream.setExecutor(upstreamThreads);
        upstream.start();
        admin.putApi(
                "probe",
                "[\"/probe/**\"]",
                "[\"GET\"]",
                "http://127.0.0.1:" + upstream.getAddress().getPort());
        List<Double> millis = new ArrayList<>();
        List<Double> callMillis = new ArrayList<>();
        List<Double> waitedMillis = new ArrayList<>();
        int firstRequestsRefused = 0;
        int unconfirmed = 0;
        // One polling thread per replica: the common pool has a single thread on a 2-core machine and
        // would poll the replicas one after the other, adding the first one's time to the second's.
        ExecutorService pollers = Executors.newFixedThreadPool(gateways.size());
        for (int trial = 0; trial < trials; trial++) {
            if (trial % 20 == 0) {
                admin.send("POST", "/v1/accounts", "{\"sid\":\"PROBE" + trial + "\",\"name\":\"probe\"}");
            }
            String account = "PROBE" + (trial - trial % 20);
            String body = admin.send(
                    "POST",
                    "/v1/accounts/" + account + "/tokens",
                    "{\"name\":\"probe\",\"scopes\":[{\"api\":\"probe\",\"methods\":[\"GET\"]}]}");
            String sid = AdminClient.field(body, "sid");
            String auth = AdminClient.basic(sid, AdminClient.field(body, "authToken"));
            for (String gateway : gateways) {
                // Passing authentication is enough (no upstream needs to run): anything but 403/503.
                int status;
                while ((status = status(gateway + "/probe/x", auth)) == 403 || status == 503) {
                    Thread.sleep(5);
                }
            }
            long calling = System.nanoTime();
            AdminClient.Response disabled =
                    admin.call("POST", "/v1/accounts/" + account + "/tokens/" + sid + "/disable", "");
            long committed = System.nanoTime();
            callMillis.add((committed - calling) / 1e6);
            List<CompletableFuture<Integer>> first = gateways.stream()
                    .map(gateway ->
                            CompletableFuture.supplyAsync(() -> statusOrThrow(gateway + "/probe/x", auth), pollers))
                    .toList();
            firstRequestsRefused +=
                    (int) first.stream().filter(status -> status.join() == 403).count();
            Matcher waited = WAITED.matcher(String.valueOf(disabled.propagation()));
            if (!disabled.ok() || !waited.matches()) {
                throw new IllegalStateException("disable answered " + disabled.status() + " " + disabled.propagation());
            }
            waitedMillis.add(Double.parseDouble(waited.group(3)));
            if (waited.group(4) != null || !waited.group(1).equals(waited.group(2))) {
                unconfirmed++;
            }
            List<CompletableFuture<Long>> refused = gateways.stream()
                    .map(gateway ->
                            CompletableFuture.supplyAsync(() -> pollUntilRefused(gateway + "/probe/x", auth), pollers))
                    .toList();
            long last =
                    refused.stream().mapToLong(CompletableFuture::join).max().orElseThrow();
            millis.add((last - committed) / 1e6);
            // The same refusal once more, now answered from memory: the floor of any figure above.
            long again = System.nanoTime();
            status(gateways.get(0) + "/probe/x", auth);
            REFUSED_FROM_MEMORY_NANOS.addAndGet(System.nanoTime() - again);
        }
        pollers.shutdown();
        upstream.stop(0);
        upstreamThreads.shutdown();
        Collections.sort(millis);
        Collections.sort(callMillis);
        Collections.sort(waitedMillis);
        System.out.printf(
                "first request to each replica the instant the disable call returned: %d of %d refused%n",
                firstRequestsRefused, trials * gateways.size());
        System.out.printf(
                "disable call (commit + wait for the replicas): p50 %.1f ms, p99 %.1f ms, max %.1f ms;"
                        + " its Scopegate-Propagation wait: p50 %.0f ms, p99 %.0f ms, max %.0f ms; unconfirmed in %d%n",
                percentile(callMillis, 50),
                percentile(callMillis, 99),
                percentile(callMillis, 100),
                percentile(waitedMillis, 50),
                percentile(waitedMillis, 99),
                percentile(waitedMillis, 100),
                unconfirmed);
        System.out.printf(
                "revocation over %d replicas, %d trials: p50 %.1f ms, p99 %.1f ms, max %.1f ms"
                        + " (polls: %d, %.2f ms each)%n",
                gateways.size(),
                trials,
                millis.get(millis.size() / 2),
                millis.get((int) Math.ceil(millis.size() * 0.99) - 1),
                millis.get(millis.size() - 1),
                POLLS.get(),
                POLL_NANOS.get() / 1e6 / Math.max(1, POLLS.get()));
        System.out.printf(
                "a refusal answered from memory right after: %.2f ms on average%n",
                REFUSED_FROM_MEMORY_NANOS.get() / 1e6 / trials);
    }

    /** Of a sorted list. */
    private static double percentile(List<Double> sorted, int percent) {
        return sorted.get(Math.max(0, (int) Math.ceil(sorted.size() * percent / 100.0) - 1));
    }

    private static int statusOrThrow(String url, String auth) {
        try {
            return status(url, auth);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static long pollUntilRefused(String url, String auth) {
        while (true) {
            try {
                long sent = System.nanoTime();
                int status = status(url, auth);
                long answered = System.nanoTime();
                POLLS.incrementAndGet();
                POLL_NANOS.addAndGet(answered - sent);
                if (status == 403) {
                    return answered;
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
    }

    private static int status(String url, String auth) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", auth)
                .timeout(Duration.ofSeconds(5))
                .build();
        return HTTP.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
