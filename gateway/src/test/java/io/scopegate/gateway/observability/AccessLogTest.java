package io.scopegate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();
    private final Level configured = logger.getLevel();

    AccessLogTest() {
        lines.start();
        logger.addAppender(lines);
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
    }

    @AfterEach
    void detach() {
        logger.detachAndStopAllAppenders();
        logger.setAdditive(true);
        logger.setLevel(configured);
    }

    @Test
    void linesGoThroughAnAsyncCopyOfTheRootAppendersAgainAfterLoggingIsReset() {
        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> rootLines = new ListAppender<>();
        rootLines.setName("ROOT_LINES");
        rootLines.start();
        root.addAppender(rootLines);
        try {
            AccessLog accessLog = new AccessLog();
            // What a reset of the logging system does to this logger.
            logger.detachAndStopAllAppenders();
            logger.setAdditive(true);

            accessLog.record(
                    new CompletedRequest("AC1", "ST1", "campaigns", "GET", Outcome.ALLOWED, 200, 1, "/", "r-1"));

            assertThat(logger.isAdditive()).isFalse();
            assertThat(logger.getAppender(AccessLog.ASYNC_PREFIX + rootLines.getName()))
                    .isInstanceOf(AsyncAppender.class);
            await().atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(rootLines.list)
                            .anySatisfy(line ->
                                    assertThat(line.getFormattedMessage()).contains("requestId=r-1")));
        } finally {
            root.detachAppender(rootLines);
        }
    }

    @Test
    void durationIsMillisecondsWithThreeDecimals() {
        assertThat(AccessLog.millis(2_345_678)).isEqualTo("2.345");
        assertThat(AccessLog.millis(5_000)).isEqualTo("0.005");
        assertThat(AccessLog.millis(1_000_000_000)).isEqualTo("1000.000");
    }

    @Test
    void nothingIsBuiltWhenTheLoggerIsOff() {
        logger.setLevel(Level.WARN);
        new AccessLog()
                .record(new CompletedRequest("AC1", "ST1", "campaigns", "GET", Outcome.ALLOWED, 200, 1, "/", "r"));
        assertThat(lines.list).isEmpty();
    }

    @Test
    void oneLineWithEveryFieldAsTextAndAsKeyValues() {
        new AccessLog()
                .record(new CompletedRequest(
                        "AC1",
                        "ST1",
                        "campaigns",
                        "POST",
                        Outcome.OUT_OF_SCOPE,
                        403,
                        2_345_678,
                        "/campaigns/7",
                        "req-9"));

        assertThat(lines.list).hasSize(1);
        ILoggingEvent line = lines.list.get(0);
        assertThat(line.getFormattedMessage())
                .isEqualTo(
                        "POST /campaigns/7 403 out_of_scope account=AC1 token=ST1 api=campaigns durationMs=2.345 requestId=req-9");
        Map<String, String> fields = line.getKeyValuePairs().stream()
                .collect(Collectors.toMap(pair -> pair.key, pair -> String.valueOf(pair.value)));
        assertThat(fields)
                .containsEntry("status", "403")
                .containsEntry("token", "ST1")
                .containsEntry("requestId", "req-9")
                .containsEntry("outcome", "out_of_scope")
                .containsEntry("durationMs", "2.345");
    }

    @Test
    void aLongPathIsCut() {
        new AccessLog()
                .record(new CompletedRequest(
                        "none", "none", "none", "GET", Outcome.NO_ROUTE, 404, 1, "/" + "a".repeat(1000), "req-1"));

        assertThat(lines.list.get(0).getKeyValuePairs()).anySatisfy(pair -> {
            assertThat(pair.key).isEqualTo("path");
            assertThat((String) pair.value).hasSize(AccessLog.MAX_PATH);
        });
    }
}
