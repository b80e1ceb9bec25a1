package io.scopegate.gateway.observability;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import java.util.Iterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * One line per gateway request on the logger {@code scopegate.access}: method, path, status, outcome,
 * account, token, API, duration and request id, as text and as key-value pairs (fields of their own
 * in structured JSON logs). Never a secret: the Authorization header is not read here, and the path
 * is cut to {@value #MAX_PATH} characters. Off by default for its cost (gateway.yaml, bench/RESULTS.md);
 * on with {@code logging.level.scopegate.access=info}.
 * <p>
 * Written through an asynchronous appender that drops lines rather than wait when its queue is full:
 * the request path runs on the event loop, which must never block on a slow log sink.
 */
@Component
public class AccessLog {

    static final String LOGGER = "scopegate.access";
    static final int MAX_PATH = 256;
    static final String ASYNC_PREFIX = "SCOPEGATE_ACCESS_ASYNC_";
    private static final Logger log = LoggerFactory.getLogger(LOGGER);

    /** The access logger as Logback sees it, or null under another logging backend. */
    private final ch.qos.logback.classic.Logger logback;

    AccessLog() {
        logback = LoggerFactory.getILoggerFactory() instanceof LoggerContext context ? context.getLogger(LOGGER) : null;
    }

    public void record(CompletedRequest request) {
        if (!log.isInfoEnabled()) {
            return;
        }
        if (logback != null && logback.isAdditive()) {
            // First line, or logging was re-initialised (a reset drops our appender): wire it (again).
            writeAsynchronously(logback);
        }
        String path = request.path().length() > MAX_PATH ? request.path().substring(0, MAX_PATH) : request.path();
        String millis = millis(request.nanos());
        log.atInfo()
                .setMessage("{} {} {} {} account={} token={} api={} durationMs={} requestId={}")
                .addArgument(request.method())
                .addArgument(path)
                .addArgument(request.status())
                .addArgument(request.outcome())
                .addArgument(request.accountSid())
                .addArgument(request.tokenId())
                .addArgument(request.api())
                .addArgument(millis)
                .addArgument(request.requestId())
                .addKeyValue("method", request.method())
                .addKeyValue("path", path)
                .addKeyValue("status", request.status())
                .addKeyValue("outcome", request.outcome())
                .addKeyValue("account", request.accountSid())
                .addKeyValue("token", request.tokenId())
                .addKeyValue("api", request.api())
                .addKeyValue("durationMs", millis)
                .addKeyValue("requestId", request.requestId())
                .log();
    }

    /** Milliseconds with three decimals, without String.format's parsing on every request. */
    static String millis(long nanos) {
        long micros = Math.max(0, nanos) / 1_000;
        String fraction = Long.toString(micros % 1_000);
        return micros / 1_000 + "." + "000".substring(fraction.length()) + fraction;
    }

    private static AsyncAppender asynchronous(LoggerContext context, Appender<ILoggingEvent> target) {
        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName(ASYNC_PREFIX + target.getName());
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(target);
        async.start();
        return async;
    }

    /**
     * Routes the access logger through an async copy of the root appenders (Boot's console or file).
     * Left as it is when someone configured the access logger's own appenders or additivity, and while
     * the root has none yet (mid re-initialisation: the next line tries again).
     */
    private static synchronized void writeAsynchronously(ch.qos.logback.classic.Logger access) {
        LoggerContext context = access.getLoggerContext();
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        boolean configuredElsewhere =
                !access.isAdditive() || access.iteratorForAppenders().hasNext();
        if (configuredElsewhere || !root.iteratorForAppenders().hasNext()) {
            return;
        }
        // An AsyncAppender carries exactly one appender: one per root appender (console, file...).
        Iterator<Appender<ILoggingEvent>> rootAppenders = root.iteratorForAppenders();
        rootAppenders.forEachRemaining(target -> access.addAppender(asynchronous(context, target)));
        access.setAdditive(false);
    }
}
