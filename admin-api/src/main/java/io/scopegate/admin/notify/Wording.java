package io.scopegate.admin.notify;

import tools.jackson.databind.JsonNode;

/** What a notification says to a person: what happened, and what to do about it. */
final class Wording {

    private Wording() {}

    static String what(String type, JsonNode data) {
        return switch (type) {
            case "token.created" -> "A token was created";
            case "token.disabled" -> "A token was disabled";
            case "token.enabled" -> "A token was enabled";
            case "token.deleted" -> "A token was deleted";
            case "token.reset" -> "A token's auth token was reset";
            case "token.scopes_changed" -> "A token's scopes changed";
            case "token.expiring" ->
                "A token expires in " + data.path("daysLeft").asInt() + " day(s)";
            case "token.expired" -> "A token expired";
            case "token.rotation_due" -> "A token's credentials are due for rotation";
            case "token.stale" -> "A token has not been used for a long time";
            case "token.never_used" -> "A token has never been used";
            case "token.grace_ending" -> "A reset token's old auth token stops working within the hour";
            case "token.auto_disable" ->
                "A token will be disabled on " + data.path("disableAt").asString("");
            default -> "A legacy token changed (" + type + ")";
        };
    }

    static String todo(String type) {
        return switch (type) {
            case "token.disabled" -> "integrations using it are refused; enable it again if that was a mistake.";
            case "token.deleted" -> "integrations using it are refused; create a new token if it is still needed.";
            case "token.reset", "token.grace_ending" -> "put the new auth token into every integration that uses it.";
            case "token.scopes_changed" -> "check that the integration needs nothing it no longer has.";
            case "token.expiring", "token.expired" -> "create a new token, or ask an admin to extend this one.";
            case "token.rotation_due" -> "reset the token and update its integrations (every quarter is a good rule).";
            case "token.stale", "token.never_used" -> "disable or delete it if no one needs it.";
            case "token.auto_disable" -> "use the token, or reset it, before then; or let it be disabled.";
            default -> "nothing, if you expected this change.";
        };
    }
}
