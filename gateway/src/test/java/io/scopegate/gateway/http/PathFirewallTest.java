package io.scopegate.gateway.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.ServerExchangeRejectedException;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.web.server.ServerWebExchange;

/**
 * The path firewall refuses at least what Spring Security's strict firewall (default configuration)
 * refuses: known tricks, then a differential run over a generated corpus. Requests are built the way
 * the server builds them: Reactor Netty's request target appended to scheme and host, parsed by
 * {@link URI}; a target that does not parse never reaches the gateway's filters (the server answers
 * 400 itself), so it is not part of the comparison.
 */
@Tag("security")
class PathFirewallTest {

    private final PathFirewall scanner = new PathFirewall();
    private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();

    @ParameterizedTest
    @ValueSource(
            strings = {
                "/a/../b/secret",
                "/a/./../b/secret",
                "/a/%2e%2e/b/secret",
                "/a/%2E%2E/b/secret",
                "/a/..%2fb/secret",
                "/a%2F..%2Fb/secret",
                "/a/%252e%252e/b/secret",
                "//b/secret",
                "/a//../b/secret",
                "/a/;/../b/secret",
                "/a/..;/b/secret",
                "/a;jsessionid=1/b",
                "/a/%3bx",
                "/a/%5c..%5cb/secret",
                "/a\\b",
                "/a/%00/../b/secret",
                "/a/%0d%0aSet-Cookie:x",
                "/a/%E2%80%A8",
                "/a/%e2%80%a9",
                "/a/%25",
                "/a/.",
                "/a/..",
                "/.",
                ".",
                "..",
                "./a",
                "/a/%2",
                "/a/%zz",
            })
    void pathTricksAreRefused(String path) {
        assertThat(PathFirewall.isNormalPath(path)).as(path).isFalse();
    }

    @ParameterizedTest
    @ValueSource(
            strings = {
                "",
                "/",
                "/campaigns",
                "/campaigns/123/items",
                "/campaigns/123/",
                "/campaigns/v1.2/report.csv",
                "/a/.hidden/..b/...",
                "/a/b.",
                "/caf%C3%A9",
                "/a%20b",
                "/a/%E2%80%A7",
                "/a/%E2%81%A8",
                "/~user/-_.!$&'()*+,=:@"
            })
    void normalPathsPass(String path) {
        assertThat(PathFirewall.isNormalPath(path)).as(path).isTrue();
        assertThat(refusedByStrictFirewall(HttpMethod.GET, "http://gateway:8080" + path))
                .as("the strict firewall agrees on " + path)
                .isFalse();
    }

    @Test
    void onlyTheUsualMethodsPass() {
        for (String method : List.of("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")) {
            assertThat(scanner.isNormal(exchange(HttpMethod.valueOf(method), "http://gateway/campaigns")))
                    .as(method)
                    .isTrue();
        }
        for (String method : List.of("TRACE", "CONNECT", "PROPFIND", "get")) {
            assertThat(scanner.isNormal(exchange(HttpMethod.valueOf(method), "http://gateway/campaigns")))
                    .as(method)
                    .isFalse();
            assertThat(refusedByStrictFirewall(HttpMethod.valueOf(method), "http://gateway/campaigns"))
                    .isTrue();
        }
    }

    /**
     * The firewall also registered a check of response header values for CR and LF; the scanner does
     * not, because the server's headers (Reactor Netty validates them by default) refuse them already.
     */
    @Test
    void responseHeaderValuesWithLineBreaksAreRefusedByTheServersHeaders() {
        var headers = new DefaultHttpResponse(
                        HttpVersion.HTTP_1_1, HttpResponseStatus.OK, DefaultHttpHeadersFactory.headersFactory())
                .headers();
        Assertions.assertThatIllegalArgumentException().isThrownBy(() -> headers.set("X-A", "a\r\nSet-Cookie: b"));
        Assertions.assertThatIllegalArgumentException().isThrownBy(() -> headers.set("X-A", "a\nb"));
    }

    /**
     * Paths the scanner refuses and the firewall lets through: where the scanner is stricter. None can
     * come from a client that encodes its path as RFC 3986 asks.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "/caf\u00c3\u00a9", // raw UTF-8 bytes, as Netty hands them over (one char per byte)
                "/a%01b", // escaped control characters other than NUL, CR and LF
                "/a%1Bb",
                "/a%7Fb",
            })
    void stricterThanTheFirewall(String path) {
        assertThat(PathFirewall.isNormalPath(path)).as(path).isFalse();
        assertThat(refusedByStrictFirewall(HttpMethod.GET, "http://gateway:8080" + path))
                .as(path)
                .isFalse();
    }

    /**
     * 100,000 generated request targets that parse (about as many again do not and are skipped):
     * whenever the strict firewall refuses one, so does the scanner.
     */
    @Test
    void refusesEverythingTheStrictFirewallRefuses() {
        Random random = new Random(17);
        int parsed = 0;
        int refusedByFirewall = 0;
        int refusedByScannerOnly = 0;
        List<String> missed = new ArrayList<>();
        List<String> stricter = new ArrayList<>();
        for (int generated = 0; parsed < 100_000 && generated < 1_000_000; generated++) {
            String target = target(random);
            URI uri;
            try {
                uri = new URI("http://gateway:8080" + target);
            } catch (URISyntaxException neverReachesTheFilters) {
                continue;
            }
            parsed++;
            boolean firewallRefuses = refusedByStrictFirewall(HttpMethod.GET, uri);
            boolean scannerRefuses = !scanner.isNormal(exchange(HttpMethod.GET, uri));
            if (firewallRefuses) {
                refusedByFirewall++;
                if (!scannerRefuses) {
                    missed.add(target);
                }
            } else if (scannerRefuses) {
                refusedByScannerOnly++;
                if (stricter.size() < 20) {
                    stricter.add(target);
                }
            }
        }

        assertThat(missed)
                .as("refused by the strict firewall, passed by the scanner")
                .isEmpty();
        // The corpus must exercise both sides, or the comparison proves nothing.
        assertThat(parsed).isEqualTo(100_000);
        assertThat(refusedByFirewall).isGreaterThan(parsed / 5);
        assertThat(parsed - refusedByFirewall).isGreaterThan(parsed / 10);
        System.out.printf(
                "PathFirewallTest: %d parsed, %d refused by the firewall, %d more by the scanner only, e.g. %s%n",
                parsed, refusedByFirewall, refusedByScannerOnly, stricter);
    }

    /** Risky pieces, random escapes of any byte, and plain path characters. */
    private static final String[] PIECES = {
        "/",
        "/",
        "/",
        ".",
        "..",
        "...",
        "%2e",
        "%2E",
        "%2f",
        "%2F",
        "%252f",
        "%252e",
        "%25",
        "%",
        "%2",
        ";",
        "%3b",
        "%3B",
        "\\",
        "%5c",
        "%5C",
        "%00",
        "%0a",
        "%0A",
        "%0d",
        "%0D",
        "%E2%80%A8",
        "%e2%80%a9",
        "%E2%80",
        "%u2028",
        "\u2028",
        "\u2029",
        "%C3%A9",
        "\u00c3\u00a9",
        "\u00e9",
        " ",
        "%20",
        "//",
        "a",
        "b",
        "api",
        "v1",
        "0",
        "9",
        "-",
        "_",
        "~",
        "%41",
        "%7e",
        "%7f",
        "%01",
        "%1f",
        "%zz",
        "?",
        "?a=%2e%2e/",
        "#x",
        "\t",
        "\n",
        "\u0000",
        "+",
        "@",
        ":",
        "!",
        "$",
        "&",
        "'",
        "(",
        ")",
        "*",
        ",",
        "=",
        "[",
        "]",
        "{",
        "|"
    };

    private static String target(Random random) {
        StringBuilder target = new StringBuilder();
        if (random.nextInt(10) != 0) {
            target.append('/');
        }
        int pieces = 1 + random.nextInt(10);
        for (int p = 0; p < pieces; p++) {
            if (random.nextInt(6) == 0) {
                target.append(String.format(random.nextBoolean() ? "%%%02x" : "%%%02X", random.nextInt(256)));
            } else {
                target.append(PIECES[random.nextInt(PIECES.length)]);
            }
        }
        return target.toString();
    }

    private static ServerWebExchange exchange(HttpMethod method, String uri) {
        return exchange(method, URI.create(uri));
    }

    private static ServerWebExchange exchange(HttpMethod method, URI uri) {
        return MockServerWebExchange.from(MockServerHttpRequest.method(method, uri));
    }

    private boolean refusedByStrictFirewall(HttpMethod method, String uri) {
        return refusedByStrictFirewall(method, URI.create(uri));
    }

    private boolean refusedByStrictFirewall(HttpMethod method, URI uri) {
        try {
            strict.getFirewalledExchange(exchange(method, uri)).block();
            return false;
        } catch (ServerExchangeRejectedException rejected) {
            return true;
        }
    }
}
