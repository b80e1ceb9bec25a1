package io.scopegate.admin.notify;

import tools.jackson.databind.JsonNode;

/**
 * What a notification says to a person: what happened, and what to do about it. A legacy token's
 * events read as a scoped token's, about "the legacy read-write (or read-only) token".
 */
final class Wording {

    private static final String LEGACY = "legacy_token.";

    private Wording() {}

    /** The token an event is about, for a person: its name, or a legacy token's kind. */
    static String subject(String type, JsonNode data) {
        if (type.startsWith(LEGACY)) {
            String kind = data.path("legacyKind").asString("");
            return "the legacy " + ("READ_ONLY".equals(kind) ? "read-only" : "read-write") + " token";
        }
        return data.path("name").asString(data.path("tokenSid").asString("a token"));
    }

    static String what(String type, JsonNode data) {
        boolean legacy = type.startsWith(LEGACY);
        String a = legacy ? "A legacy token" : "A token";
        String its = legacy ? "A legacy token's" : "A token's";
        return switch (event(type)) {
            case "created" -> a + " was created";
            case "disabled" -> a + " was disabled";
            case "enabled" -> a + " was enabled";
            case "deleted" -> a + " was deleted";
            case "reset" -> its + " auth token was reset";
            case "scopes_changed" -> its + " scopes changed";
            case "expiring" -> a + " expires in " + data.path("daysLeft").asInt() + " day(s)";
            case "expired" -> a + " expired";
            case "rotation_due" -> its + " credentials are due for rotation";
            case "stale" -> a + " has not been used for a long time";
            case "never_used" -> a + " has never been used";
            case "grace_ending" -> its + " old auth token stops working within the hour";
            case "denial_spike" ->
                a + " was refused " + data.path("refused").asLong() + " times in "
                        + data.path("windowMinutes").asInt() + " minutes";
            case "auto_disable" ->
                a + " will be disabled on " + data.path("disableAt").asString("");
            case "quota_near_limit" ->
                a + " has used " + data.path("used").asLong() + " of its "
                        + data.path("quota").asLong() + " requests for this "
                        + data.path("period").asString("period") + " (UTC)";
            default -> a + " changed (" + type + ")";
        };
    }

    static String todo(String type) {
        return switch (event(type)) {
            case "disabled" -> "integrations using it are refused; enable it again if that was a mistake.";
            case "deleted" -> "integrations using it are refused; create a new token if it is still needed.";
            case "reset", "grace_ending" -> "put the new auth token into every integration that uses it.";
            case "scopes_changed" -> "check that the integration needs nothing it no longer has.";
            case "expiring", "expired" -> "create a new token, or ask an admin to extend this one.";
            case "rotation_due" -> "reset the token and update its integrations (every quarter is a good rule).";
            case "stale", "never_used" -> "disable or delete it if no one needs it.";
            case "denial_spike" ->
                "its integration calls what the token may not (see the refusals listed); grant the scope if"
                        + " it should, or fix the integration.";
            case "auto_disable" -> "use the token, or reset it, before then; or let it be disabled.";
            case "quota_near_limit" ->
                "past its quota the gateways refuse it (429) until the next UTC day or month: raise the quota"
                        + " or slow the integration down.";
            default -> "nothing, if you expected this change.";
        };
    }

    /** A denial spike's refusals, one line each after {@code separator}; empty for other events. */
    static String refusals(JsonNode data, String separator) {
        StringBuilder lines = new StringBuilder();
        for (JsonNode refusal : data.path("refusals")) {
            lines.append(separator)
                    .append("Refused: ")
                    .append(refusal.path("method").asString(""))
                    .append(' ')
                    .append(refusal.path("api").asString(""))
                    .append(" (")
                    .append(refusal.path("outcome").asString(""))
                    .append("), ")
                    .append(refusal.path("requests").asLong())
                    .append(" times");
        }
        return lines.toString();
    }

    /** {@code token.disabled} and {@code legacy_token.disabled} alike: {@code disabled}. */
    private static String event(String type) {
        return type.substring(type.indexOf('.') + 1);
    }
}
