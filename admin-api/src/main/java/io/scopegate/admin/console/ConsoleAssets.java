package io.scopegate.admin.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Map;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The console's stylesheet and script, read into memory at start-up and served from there (no file
 * read on the event loop, no CDN: the pages' CSP allows only 'self').
 */
@Configuration(proxyBeanMethods = false)
class ConsoleAssets {

    private static final Map<String, MediaType> ASSETS = Map.of(
            "console.css", MediaType.valueOf("text/css;charset=UTF-8"),
            "console.js", MediaType.valueOf("text/javascript;charset=UTF-8"));

    @Bean
    RouterFunction<ServerResponse> consoleAssetRoutes() {
        RouterFunctions.Builder routes = RouterFunctions.route();
        ASSETS.forEach((name, type) -> {
            byte[] content = read("console/assets/" + name);
            routes.GET(
                    "/console/assets/" + name,
                    request -> ServerResponse.ok()
                            .contentType(type)
                            .cacheControl(CacheControl.maxAge(Duration.ofHours(1)))
                            .bodyValue(content));
        });
        return routes.build();
    }

    private static byte[] read(String path) {
        try (var in = new ClassPathResource(path).getInputStream()) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the console asset " + path, e);
        }
    }
}
