package io.scopegate.gateway.observability;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class AccessLogTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.LOGGER);
    private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

    AccessLogTest() {
        lines.start();
        logger.addAppender(lines);
    }

    @AfterEach
    void detach() {
        logger.detachAppender(lines);
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
                        "POST /campaigns/7 403 out_of_scope account=AC1 token=ST1 api=campaigns durationMs=2.346 requestId=req-9");
        Map<String, String> fields = line.getKeyValuePairs().stream()
                .collect(Collectors.toMap(pair -> pair.key, pair -> String.valueOf(pair.value)));
        assertThat(fields)
                .containsEntry("status", "403")
                .containsEntry("token", "ST1")
                .containsEntry("requestId", "req-9")
                .containsEntry("outcome", "out_of_scope")
                .containsEntry("durationMs", "2.346");
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
