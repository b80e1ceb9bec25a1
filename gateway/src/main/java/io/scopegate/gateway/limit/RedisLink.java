package io.scopegate.gateway.limit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import reactor.core.scheduler.Schedulers;

/**
 * The one Lettuce connection to Redis, located by Spring Boot's {@code spring.data.redis.*}. Opened
 * with {@code connectAsync} off the caller's thread and, once open, reconnected by Lettuce in the
 * background; while it is down commands are rejected at once instead of queued, so a caller falls back
 * without waiting. Lettuce is used directly rather than through Spring Data Redis's template: the
 * template's shared reactive connection is opened with a blocking join on first use, which with Redis
 * down at start would block an event loop on every request.
 */
final class RedisLink {

    private final io.lettuce.core.RedisClient client;
    private final RedisURI uri;
    private final AtomicReference<StatefulRedisConnection<String, String>> connection = new AtomicReference<>();
    private final AtomicBoolean connecting = new AtomicBoolean();

    RedisLink(
            DataRedisConnectionDetails details,
            DataRedisProperties properties,
            ClientResources resources,
            Duration commandTimeout) {
        this.uri = uri(details, properties);
        this.client = io.lettuce.core.RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                // Fail fast while reconnecting: the caller falls back instead of waiting in a queue.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder()
                        .connectTimeout(
                                properties.getConnectTimeout() != null
                                        ? properties.getConnectTimeout()
                                        : Duration.ofSeconds(1))
                        .build())
                .timeoutOptions(TimeoutOptions.enabled(commandTimeout))
                .build());
    }

    /** The open connection, or null before the first successful connect. */
    StatefulRedisConnection<String, String> connection() {
        return connection.get();
    }

    /**
     * At most one attempt at a time, never waited for: started off the caller's thread, as a request may
     * trigger it and opening a connection may resolve the host name and set up TLS.
     */
    void connectInBackground(Runnable opened, Consumer<Throwable> failed) {
        if (!connecting.compareAndSet(false, true)) {
            return;
        }
        Schedulers.boundedElastic()
                .schedule(() -> client.connectAsync(StringCodec.UTF8, uri).whenComplete((open, error) -> {
                    connecting.set(false);
                    if (open != null) {
                        connection.set(open);
                        opened.run();
                    } else {
                        failed.accept(error);
                    }
                }));
    }

    /**
     * Not waited for: a blocking close of a Lettuce connection that requests are still writing to can
     * wait on its lock for ever (seen while contexts closed under load).
     */
    void close() {
        StatefulRedisConnection<String, String> open = connection.getAndSet(null);
        if (open != null) {
            open.closeAsync();
        }
        // The client resources (threads) are Spring Boot's bean, shut down by it.
        client.shutdownAsync(0, 2, TimeUnit.SECONDS);
    }

    private static RedisURI uri(DataRedisConnectionDetails details, DataRedisProperties properties) {
        DataRedisConnectionDetails.Standalone standalone = details.getStandalone();
        RedisURI.Builder uri = RedisURI.builder()
                .withHost(standalone.getHost())
                .withPort(standalone.getPort())
                .withDatabase(standalone.getDatabase());
        // Spring Boot takes the password from the URL alone when a URL is set, silently dropping
        // spring.data.redis.password; a URL from a ConfigMap and a password from a Secret is the usual
        // split, so the separate password counts whenever the URL carries none.
        String password = details.getPassword() != null ? details.getPassword() : properties.getPassword();
        String username = details.getUsername() != null ? details.getUsername() : properties.getUsername();
        if (password != null) {
            if (username != null) {
                uri.withAuthentication(username, password.toCharArray());
            } else {
                uri.withPassword(password.toCharArray());
            }
        }
        boolean tls = properties.getSsl().isEnabled()
                || (properties.getUrl() != null && properties.getUrl().startsWith("rediss:"));
        return uri.withSsl(tls).build();
    }
}
