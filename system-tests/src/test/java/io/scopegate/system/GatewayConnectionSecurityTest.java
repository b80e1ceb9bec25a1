package io.scopegate.system;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Security review, issue 14, finding 6: an incomplete request head and an idle keep-alive connection
 * were still open after 75 s, and one address could open any number of connections. Raw sockets
 * against a gateway of the test's own with shortened timeouts.
 */
@Tag("security")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GatewayConnectionSecurityTest extends SystemTest {

    /** Longer than any timeout under test: a read that waits this long means the connection was left open. */
    private static final int READ_TIMEOUT_MS = 15_000;

    private RunningGateway gateway;

    @BeforeAll
    void startGateway() {
        gateway = system.startGateway(Map.of(
                "scopegate.gateway.connections.idle-timeout", "2s",
                "scopegate.gateway.connections.request-head-timeout", "1s",
                "scopegate.gateway.connections.request-body-read-timeout", "2s",
                "scopegate.gateway.connections.max-per-address", "3",
                // Longer than the idle timeout: a slow upstream's response must not be cut by it.
                "spring.cloud.gateway.server.webflux.httpclient.response-timeout", "10s"));
        awaitReady(gateway);
    }

    @AfterAll
    void stopGateway() {
        gateway.close();
    }

    @Test
    void aConnectionThatSendsHalfARequestHeadIsClosedAfterTheHeadTimeout() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /no-such-api/x HTTP/1.1\r\nHost: localhost\r\nAccept: */*\r\n");
            long start = System.nanoTime();

            assertThat(closedByPeer(socket)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
        assertThat(metric("scopegate_connections_request_head_timeouts_total")).isPositive();
    }

    /** Every byte resets the idle timeout; the head's deadline counts from its first byte. */
    @Test
    void aRequestHeadDribbledAByteAtATimeIsClosedToo() throws IOException {
        try (Socket socket = connect()) {
            byte[] head =
                    "GET /no-such-api/x HTTP/1.1\r\nHost: localhost\r\nX-Pad: ".getBytes(StandardCharsets.US_ASCII);
            int[] sent = {0};
            await().atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        try {
                            int next = sent[0]++;
                            socket.getOutputStream().write(next < head.length ? head[next] : 'a');
                            socket.getOutputStream().flush();
                            return false;
                        } catch (IOException closed) {
                            return true;
                        }
                    });
            assertThat(sent[0]).as("bytes sent before the gateway closed").isLessThan(head.length + 20);
        }
    }

    @Test
    void anIdleKeepAliveConnectionIsClosedAfterTheIdleTimeout() throws IOException {
        try (Socket socket = connect()) {
            send(socket, "GET /no-such-api/x HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponse(socket)).startsWith("HTTP/1.1 404");
            long start = System.nanoTime();

            assertThat(closedByPeer(socket)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    /** A request under way is not idle: an upstream slower than the idle timeout still gets its answer through. */
    @Test
    void aResponseSlowerThanTheIdleTimeoutIsNotCut() throws IOException {
        String authorization = routedApiAndToken();
        upstream.stubFor(get(urlPathEqualTo("/" + api + "/slow"))
                .willReturn(aResponse().withStatus(200).withBody("late").withFixedDelay(3_000)));

        try (Socket socket = connect()) {
            send(
                    socket,
                    "GET /" + api + "/slow HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + authorization
                            + "\r\n\r\n");
            assertThat(readHead(socket)).startsWith("HTTP/1.1 200");
        }
    }

    /** A request body that stops arriving is closed after request-body-read-timeout, not held open. */
    @Test
    void aStalledRequestBodyIsClosedAfterTheBodyReadTimeout() throws IOException {
        String authorization = routedApiAndToken();
        try (Socket socket = connect()) {
            send(
                    socket,
                    "POST /" + api + "/upload HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + authorization
                            + "\r\nContent-Type: text/plain\r\nContent-Length: 100\r\n\r\nonly ten b");
            long start = System.nanoTime();

            assertThat(closedByPeerAfterAnyResponse(socket)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        }
    }

    private String api;
    private String authorization;

    /** An API routed on this test's gateway and a token for GET and POST on it, made once. */
    private String routedApiAndToken() {
        if (api == null) {
            String account = newAccount();
            api = newApi("GET", "POST");
            awaitRouted(api, gateway);
            Map<String, Object> token = createToken(account, api, "GET", "POST");
            authorization = basic((String) token.get("sid"), (String) token.get("authToken"));
        }
        return authorization;
    }

    /** Whether the gateway closed the connection before the read timeout, reading past whatever it answered. */
    private static boolean closedByPeerAfterAnyResponse(Socket socket) throws IOException {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                // an error answer may come first; the close is what counts
            }
            return true;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    @Test
    void anAddressHoldsAtMostItsCapOfConnectionsAndAFreedPlaceCanBeTakenAgain() throws IOException {
        List<Socket> held = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                // A complete exchange proves the gateway took (and counted) the connection. Retried:
                // the other tests' connections may take a moment to be closed on the gateway's side.
                held.add(await().atMost(Duration.ofSeconds(10))
                        .ignoreExceptions()
                        .until(this::exchanged, s -> true));
            }
            double refusedBefore = metric("scopegate_connections_refused_total");

            try (Socket fourth = connect()) {
                assertThat(closedByPeer(fourth)).as("the fourth connection").isTrue();
            }
            assertThat(metric("scopegate_connections_refused_total")).isEqualTo(refusedBefore + 1);

            send(held.get(0), "GET /no-such-api/y HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponse(held.get(0)))
                    .as("held connections keep working")
                    .startsWith("HTTP/1.1 404");

            held.remove(0).close();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                try (Socket again = connect()) {
                    send(again, "GET /no-such-api/z HTTP/1.1\r\nHost: localhost\r\n\r\n");
                    assertThat(readResponse(again)).startsWith("HTTP/1.1 404");
                }
            });
        } finally {
            for (Socket socket : held) {
                socket.close();
            }
        }
    }

    /** A new connection on which one request was answered. */
    private Socket exchanged() throws IOException {
        Socket socket = connect();
        try {
            send(socket, "GET /no-such-api/x HTTP/1.1\r\nHost: localhost\r\n\r\n");
            assertThat(readResponse(socket)).startsWith("HTTP/1.1 404");
            return socket;
        } catch (IOException | AssertionError refused) {
            socket.close();
            throw refused;
        }
    }

    private Socket connect() throws IOException {
        Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", gateway.port()), 5_000);
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    private static void send(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** Whether the gateway closed the connection (end of stream or reset) before the read timeout. */
    private static boolean closedByPeer(Socket socket) throws IOException {
        try {
            return socket.getInputStream().read() == -1;
        } catch (SocketTimeoutException stillOpen) {
            return false;
        } catch (SocketException reset) {
            return true;
        }
    }

    /** One response with a Content-Length: its head and body, leaving the connection at the next message. */
    private static String readResponse(Socket socket) throws IOException {
        String text = readHead(socket);
        Matcher length = Pattern.compile("(?im)^content-length:\\s*(\\d+)").matcher(text);
        assertThat(length.find()).as("Content-Length in " + text).isTrue();
        socket.getInputStream().readNBytes(Integer.parseInt(length.group(1)));
        return text;
    }

    /** A response's head (status line and headers). */
    private static String readHead(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b == -1) {
                throw new IOException("closed before the response head ended: " + head);
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.US_ASCII);
    }

    private double metric(String name) {
        return gateway.scrape()
                .lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }
}
