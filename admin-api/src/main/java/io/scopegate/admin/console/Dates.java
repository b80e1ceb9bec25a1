package io.scopegate.admin.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Times as the console shows them: UTC, to the minute; "Never" for none. Templates call it as {@code fmt}. */
public final class Dates {

    private static final DateTimeFormatter DAY =
            DateTimeFormatter.ofPattern("yyyy-MM-dd").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter MINUTE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'").withZone(ZoneOffset.UTC);

    public String day(Instant instant) {
        return instant == null ? "—" : DAY.format(instant);
    }

    public String minute(Instant instant) {
        return instant == null ? "Never" : MINUTE.format(instant);
    }
}
