package io.scopegate.admin.console;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Collection;
import java.util.Map;
import java.util.StringJoiner;

/**
 * Values as the console shows them; templates call it as {@code fmt}. Times in UTC, to the minute
 * ("Never" for none); audit details as "field: value" text, lists joined.
 */
public final class ConsoleFormat {

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

    /** Audit details: {@code name: CRM sync; scopes: campaigns:GET, reports:GET}. */
    public String details(Map<String, Object> details) {
        StringJoiner text = new StringJoiner("; ");
        details.forEach((field, value) -> text.add(field + ": "
                + (value instanceof Collection<?> values
                        ? String.join(", ", values.stream().map(String::valueOf).toList())
                        : String.valueOf(value))));
        return text.toString();
    }
}
