package io.scopegate.admin.notify;

import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;

/** One notification to one endpoint, with its attempts: what "deliveries" lists. */
record WebhookDelivery(
        String id,
        String type,
        String status,
        int attempts,
        @Schema(nullable = true) Instant nextAttemptAt,
        @Schema(nullable = true) Integer lastResponseStatus,
        @Schema(nullable = true) String lastError,
        Instant createdAt,
        Instant updatedAt) {}
