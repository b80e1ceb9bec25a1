package io.scopegate.gateway.limit;

import io.lettuce.core.RedisException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.core.NestedExceptionUtils;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * The shared backend: one Lua script on Redis per limited request ({@code scopegate/rate-limit.lua}),
 * bounded by {@code redis-timeout}. Redis not answering is never a reason to refuse: a call that fails
 * or times out marks the backend degraded, callers then decide on this replica's share, and only one
 * request per {@code redis-retry-interval} tries Redis again until it answers (no storm of attempts).
 * The connection itself is {@link RedisLink}'s.
 */
@Component
public class SharedLimits implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(SharedLimits.class);

    private final RateLimitSettings settings;
    private final LocalQuotas localQuotas;
    private final RedisLink link;
    private final RateLimitScript script = RateLimitScript.load();
    private final AtomicBoolean probing = new AtomicBoolean();
    private volatile boolean degraded;
    private volatile long nextAttemptNanos;
    private volatile String degradedReason = "";
    private volatile boolean closed;

    SharedLimits(
            RateLimitSettings settings,
            LocalQuotas localQuotas,
            MeterRegistry meters,
            ObjectProvider<DataRedisConnectionDetails> redisDetails,
            ObjectProvider<DataRedisProperties> redisProperties,
            ObjectProvider<ClientResources> clientResources) {
        this.settings = settings;
        this.localQuotas = localQuotas;
        if (settings.shared()) {
            this.link = new RedisLink(
                    redisDetails.getObject(),
                    redisProperties.getObject(),
                    clientResources.getObject(),
                    settings.redisTimeout());
            degrade("not connected yet");
            connectInBackground();
        } else {
            this.link = null;
        }
        Gauge.builder("scopegate.rate.limit.backend.degraded", this, limits -> limits.degraded() ? 1 : 0)
                .description("1 while the shared rate-limit backend (Redis) is not answering and each replica"
                        + " enforces its share of every limit; 0 otherwise")
                .register(meters);
    }

    /** Whether limits are counted on Redis (backend=redis), whatever its state now. */
    public boolean enabled() {
        return link != null;
    }

    /** Whether Redis is configured but not answering, so replicas enforce their shares. */
    public boolean degraded() {
        return enabled() && degraded;
    }

    String degradedReason() {
        return degradedReason;
    }

    /**
     * The failed-authentication budget of one client address, shared by every replica: takes one
     * failure from {@code perMinute} (cost 1) or gives one back (cost -1). Emits {@link Duration#ZERO}
     * when granted, the wait when not, and nothing when Redis cannot be asked now (decide locally).
     */
    public Mono<Duration> failure(String client, int perMinute, int cost) {
        double perSecond = perMinute / 60.0;
        return run(
                        "scopegate:auth:{" + client + "}",
                        "scopegate:auth:{" + client + "}",
                        perSecond,
                        perMinute,
                        cost,
                        0,
                        0)
                .map(result -> {
                    if (result.refusal() == 0) {
                        return Duration.ZERO;
                    }
                    return Windows.untilOneToken(result.tokens(), perSecond);
                });
    }

    /** The script's answer: see {@code rate-limit.lua}. */
    record Result(int refusal, double tokens, long redisSeconds, long dayUsed, long monthUsed) {}

    /**
     * Runs the script once; empty when Redis cannot be asked now (degraded, and not this call's turn to
     * try it), in which case the caller decides on this replica's share.
     */
    Mono<Result> run(
            String bucketKey, String quotaKey, double perSecond, long burst, int cost, long perDay, long perMonth) {
        StatefulRedisConnection<String, String> open = link.connection();
        if (closed) {
            return Mono.empty();
        }
        if (open == null) {
            // Never connected (Redis away since start): a new attempt once per retry interval at most.
            if (System.nanoTime() - nextAttemptNanos >= 0) {
                connectInBackground();
            }
            return Mono.empty();
        }
        if (!mayAsk()) {
            return Mono.empty();
        }
        String[] keys = {bucketKey, quotaKey};
        String[] args = {
            Double.toString(perSecond),
            Long.toString(burst),
            Integer.toString(cost),
            Long.toString(perDay),
            Long.toString(perMonth)
        };
        return open.reactive()
                .<Object>evalsha(script.sha(), ScriptOutputType.MULTI, keys, args)
                // Redis restarted (or failed over) without our script: send it whole once.
                .onErrorResume(
                        RedisNoScriptException.class,
                        missing -> open.reactive().eval(script.text(), ScriptOutputType.MULTI, keys, args))
                // Lettuce 6.8 takes a lock to write a command while its connection is being reset (a
                // reconnect, a timed-out command's cleanup): a park that must not happen on an event loop.
                .subscribeOn(Schedulers.boundedElastic())
                .collectList()
                .timeout(settings.redisTimeout())
                .map(SharedLimits::result)
                .doOnNext(answered -> recovered())
                // A client gone mid-call ends it without an answer: the next call may try again.
                .doOnCancel(() -> probing.set(false))
                .onErrorResume(this::failed);
    }

    private static Result result(List<Object> answer) {
        // Lettuce emits a script's array reply as one list (or, in some versions, element by element).
        List<?> values = answer.size() == 1 && answer.get(0) instanceof List<?> whole ? whole : answer;
        return new Result(
                (int) number(values.get(0)),
                number(values.get(1)) / 1000.0,
                number(values.get(2)),
                number(values.get(3)),
                number(values.get(4)));
    }

    private static long number(Object value) {
        return value instanceof Number number ? number.longValue() : Long.parseLong(value.toString());
    }

    /** Not degraded, or degraded and the retry interval is over and no other call is trying. */
    private boolean mayAsk() {
        if (!degraded) {
            return true;
        }
        return System.nanoTime() - nextAttemptNanos >= 0 && probing.compareAndSet(false, true);
    }

    private void recovered() {
        probing.set(false);
        if (degraded) {
            degraded = false;
            log.info("Rate limits counted on Redis again, cluster-wide");
        }
    }

    /** Fail open to the replica's share: Redis away must never refuse traffic. */
    private Mono<Result> failed(Throwable error) {
        if (error instanceof TimeoutException || error instanceof RedisException || error instanceof IOException) {
            degrade(
                    error instanceof TimeoutException
                            ? "no answer within " + settings.redisTimeout()
                            : error.toString());
        } else {
            log.error("Unexpected failure of the shared rate-limit backend; deciding on this replica's share", error);
            degrade(error.toString());
        }
        return Mono.empty();
    }

    private void degrade(String reason) {
        nextAttemptNanos = System.nanoTime() + settings.redisRetryInterval().toNanos();
        degradedReason = reason;
        if (!degraded) {
            degraded = true;
            // Counted on Redis until now: the local quota counts are stale, so they are read afresh from
            // the store (all replicas' flushed usage) at each token's next sight.
            localQuotas.forgetAll();
            if (link.connection() != null) {
                log.warn(
                        "Redis not answering ({}): each replica enforces its share of every limit until it does",
                        reason);
            }
        }
        probing.set(false);
    }

    private void connectInBackground() {
        link.connectInBackground(this::connected, this::notConnected);
    }

    /** Connecting included Redis's answer to the handshake: it is answering now. */
    private void connected() {
        degraded = false;
        log.info("Connected to Redis for cluster-wide rate limits");
    }

    private void notConnected(Throwable error) {
        nextAttemptNanos = System.nanoTime() + settings.redisRetryInterval().toNanos();
        // The root cause says what to fix: Lettuce wraps a refused password (NOAUTH, WRONGPASS) in
        // "Unable to connect", which reads like a network problem.
        log.warn(
                "Redis for cluster-wide rate limits not reachable ({}); each replica enforces its share",
                NestedExceptionUtils.getMostSpecificCause(error).toString());
    }

    /** New calls stop here first; the connection is closed without waiting (see {@link RedisLink#close}). */
    @Override
    public void destroy() {
        if (link != null) {
            closed = true;
            link.close();
        }
    }
}
