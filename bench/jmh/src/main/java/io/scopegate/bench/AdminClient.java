package io.scopegate.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The admin API's REST calls the bench tools make, as the bootstrap operator {@code admin}. */
final class AdminClient {

    /** A call's answer, with its Scopegate-Propagation header (null when it has none). */
    record Response(int status, String body, String propagation) {

        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final HttpClient http;
    private final String baseUrl;
    private final String operator;

    AdminClient(HttpClient http, String baseUrl, String operatorPassword) {
        this.http = http;
        this.baseUrl = baseUrl;
        this.operator = basic("admin", operatorPassword);
    }

    /** {@code Authorization: Basic} for a username and secret. */
    static String basic(String username, String secret) {
        return "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
    }

    /** One call; the status is the caller's to judge. An empty body sends none. */
    Response call(String method, String path, String json) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Authorization", operator)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        json.isEmpty()
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofString(json))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Response(
                response.statusCode(),
                response.body(),
                response.headers().firstValue("Scopegate-Propagation").orElse(null));
    }

    /**
     * One call that must succeed (2xx); its body. An idempotent call answered 503 (the store did not
     * answer in time: a busy machine) is sent again after Retry-After, twice at most, as the admin API
     * asks; a POST is not (it may have been made).
     */
    String send(String method, String path, String json) throws IOException, InterruptedException {
        Response response = call(method, path, json);
        for (int retry = 0; retry < 2 && response.status() == 503 && !method.equals("POST"); retry++) {
            Thread.sleep(5_000);
            response = call(method, path, json);
        }
        if (!response.ok()) {
            throw new IllegalStateException(method + " " + path + ": " + response.status() + " " + response.body());
        }
        return response.body();
    }

    /** Creates or replaces an API of the catalog: {@code paths} and {@code methods} as JSON arrays. */
    void putApi(String id, String paths, String methods, String upstreamUrl) throws IOException, InterruptedException {
        send(
                "PUT",
                "/v1/apis/" + id,
                "{\"name\":\"" + id + "\",\"paths\":" + paths + ",\"methods\":" + methods + ",\"upstreamUrl\":\""
                        + upstreamUrl + "\",\"latestVersion\":1}");
    }

    /** A string field of a JSON body (the admin API's bodies are flat enough for this). */
    static String field(String json, String name) {
        Matcher matcher = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        if (!matcher.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return matcher.group(1);
    }

    /** How many times {@code needle} occurs in {@code json}. */
    static int count(String json, String needle) {
        int count = 0;
        for (int at = json.indexOf(needle); at >= 0; at = json.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }
}
