package io.scopegate.admin.notify;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * An account's webhook endpoint: where its notifications go, and which. {@code secret} (the signing
 * key) appears only in the response that created it.
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
record WebhookEndpoint(
        String id,
        String accountSid,
        String url,
        List<String> events,
        Instant createdAt,
        Instant updatedAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String secret) {

    WebhookEndpoint withoutSecret() {
        return new WebhookEndpoint(id, accountSid, url, events, createdAt, updatedAt, null);
    }

    @Override
    public String toString() {
        return "WebhookEndpoint[id=" + id + ", url=" + url + ", secret=" + (secret == null ? "none" : "redacted") + "]";
    }
}
