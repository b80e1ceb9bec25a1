package io.scopegate.gateway.http;

import java.net.URI;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.http.HttpCookie;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.AbstractServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.SslInfo;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.security.web.server.firewall.StrictServerWebExchangeFirewall;
import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.ServerWebExchangeDecorator;
import reactor.core.publisher.Flux;

/**
 * The path check per request: {@code scanner} is the gateway's {@link PathFirewall}, {@code strict} is
 * what it replaced (Spring Security's strict firewall called in place: its eager checks and the
 * response-header check it registers). Each operation builds a fresh request and response, as each
 * request brings them (the firewall's decoded path and its registration are per request);
 * {@code exchangeOnly} is that cost alone, to subtract. In the gateway's package, whose type it
 * measures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class PathFirewallBenchmark {

    @Param({"/campaigns/123/items", "/campaigns/v2/accounts/AC0123456789abcdef/reports/2026-11/summary.csv"})
    public String path;

    private final PathFirewall scanner = new PathFirewall();
    private final StrictServerWebExchangeFirewall strict = new StrictServerWebExchangeFirewall();

    private ServerWebExchange base;
    private String target;

    @Setup
    public void setUp() {
        target = "http://gateway:8080" + path;
        base = MockServerWebExchange.from(MockServerHttpRequest.get(target));
    }

    /**
     * A fresh request (its URI parsed, as the server parses each request's) and response around one
     * prebuilt exchange: a whole mock exchange (codecs, session manager) would cost a hundred times the
     * checks being measured, and a mock request's builder ten times.
     */
    private ServerWebExchange exchange() {
        ServerHttpRequest request = new PlainRequest(URI.create(target));
        ServerHttpResponse response = new MockServerHttpResponse();
        return new ServerWebExchangeDecorator(base) {
            @Override
            public ServerHttpRequest getRequest() {
                return request;
            }

            @Override
            public ServerHttpResponse getResponse() {
                return response;
            }
        };
    }

    /** A GET with no headers, cookies, TLS or body: only what the path checks read. */
    private static final class PlainRequest extends AbstractServerHttpRequest {

        PlainRequest(URI uri) {
            super(HttpMethod.GET, uri, null, new HttpHeaders());
        }

        @Override
        protected MultiValueMap<String, HttpCookie> initCookies() {
            return new LinkedMultiValueMap<>();
        }

        @Override
        protected SslInfo initSslInfo() {
            return null;
        }

        @Override
        public <T> T getNativeRequest() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Flux<DataBuffer> getBody() {
            return Flux.empty();
        }
    }

    @Benchmark
    public Object exchangeOnly() {
        ServerWebExchange exchange = exchange();
        return exchange.getRequest().getPath();
    }

    @Benchmark
    public boolean scanner() {
        return scanner.isNormal(exchange());
    }

    @Benchmark
    public Object strict() throws Exception {
        return ((Callable<?>) strict.getFirewalledExchange(exchange())).call();
    }
}
