package io.scopegate.gateway.catalog;

import java.util.ArrayList;
import java.util.List;
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
import org.springframework.http.server.PathContainer;

/**
 * Finding a request's API in catalogs of 1, 100 and 1,000 APIs shaped as bench/catalog.sh's (two
 * patterns each, the called pattern last in the linear order): {@code indexed} is the gateway's lookup
 * ({@link RouteIndex}), {@code linear} tries the patterns in order as Spring Cloud Gateway tried its
 * routes, without its per-route reactive overhead. In the gateway's package, whose types it measures.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class RouteLookupBenchmark {

    @Param({"1", "100", "1000"})
    public int apis;

    private RouteIndex index;
    private List<PatternRoute> linearOrder;
    private final PathContainer path = PathContainer.parsePath("/bench/item");

    @Setup
    public void setUp() {
        List<ApiRoute> catalog = new ArrayList<>();
        for (int i = 1; i < apis; i++) {
            String id = "a%04d".formatted(i);
            catalog.add(ApiRoute.of(
                    id, List.of("/" + id + "/**", "/" + id + "/items/{id}"), List.of("GET"), "http://up", false));
        }
        catalog.add(
                ApiRoute.of("bench", List.of("/bench/**", "/bench/items/{id}"), List.of("GET"), "http://up", false));
        index = RouteIndex.of(catalog);
        linearOrder = PatternRoute.mostSpecificFirst(catalog);
    }

    @Benchmark
    public ApiRoute indexed() {
        return index.find(path);
    }

    @Benchmark
    public ApiRoute linear() {
        for (PatternRoute route : linearOrder) {
            if (route.matches(path)) {
                return route.api();
            }
        }
        return null;
    }
}
