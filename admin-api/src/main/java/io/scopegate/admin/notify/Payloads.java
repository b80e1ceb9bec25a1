package io.scopegate.admin.notify;

import java.time.Instant;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The Standard Webhooks body: {@code {"type", "timestamp", "data"}}. */
final class Payloads {

    private Payloads() {}

    static String of(JsonMapper json, String type, Instant at, JsonNode data) {
        ObjectNode body = json.createObjectNode();
        body.put("type", type);
        body.put("timestamp", at.toString());
        body.set("data", data);
        return json.writeValueAsString(body);
    }
}
