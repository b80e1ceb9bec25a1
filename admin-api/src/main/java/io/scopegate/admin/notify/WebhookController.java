package io.scopegate.admin.notify;

import io.scopegate.admin.notify.WebhookService.SaveWebhook;
import io.scopegate.admin.openapi.ProblemResponses;
import io.scopegate.admin.security.Actor;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.net.URI;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * {@code /v1/accounts/{account}/webhooks}: where an account's notifications go (operators and the
 * account's admins). Deliveries follow Standard Webhooks: signed, retried with backoff for about a
 * day, listed with their status.
 */
@RestController
@RequestMapping("/v1/accounts/{account}/webhooks")
@Tag(name = "Webhooks", description = "Notifications of token changes, signed as Standard Webhooks")
@ApiResponse(responseCode = "403", ref = ProblemResponses.FORBIDDEN)
@ApiResponse(responseCode = "404", ref = ProblemResponses.NOT_FOUND)
class WebhookController {

    record WebhookList(List<WebhookEndpoint> items) {}

    record DeliveryList(List<WebhookDelivery> items) {}

    record Queued(String deliveryId) {}

    private final WebhookService webhooks;

    WebhookController(WebhookService webhooks) {
        this.webhooks = webhooks;
    }

    @GetMapping
    @Operation(operationId = "listWebhooks", summary = "The account's webhook endpoints (never their secrets)")
    @ApiResponse(responseCode = "200", description = "The endpoints")
    Mono<WebhookList> list(@PathVariable String account) {
        return webhooks.list(account).map(WebhookList::new);
    }

    @PostMapping
    @Operation(
            operationId = "createWebhook",
            summary = "Register an endpoint for some events; the response shows its signing secret once")
    @ApiResponse(
            responseCode = "201",
            description = "Created, with `secret` (whsec_…)",
            content = @Content(schema = @Schema(implementation = WebhookEndpoint.class)))
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    @ApiResponse(responseCode = "409", ref = ProblemResponses.CONFLICT)
    Mono<ResponseEntity<WebhookEndpoint>> create(
            Actor actor, @PathVariable String account, @RequestBody SaveWebhook request) {
        return webhooks.create(actor, account, request)
                .map(created -> ResponseEntity.created(
                                URI.create("/v1/accounts/" + account + "/webhooks/" + created.id()))
                        .body(created));
    }

    @GetMapping("/{id}")
    @Operation(operationId = "readWebhook", summary = "One endpoint (never its secret)")
    @ApiResponse(responseCode = "200", description = "The endpoint")
    Mono<WebhookEndpoint> read(@PathVariable String account, @PathVariable String id) {
        return webhooks.get(account, id);
    }

    @PatchMapping("/{id}")
    @Operation(operationId = "updateWebhook", summary = "Change the URL or the events (those present)")
    @ApiResponse(responseCode = "200", description = "The endpoint")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    Mono<WebhookEndpoint> update(
            Actor actor, @PathVariable String account, @PathVariable String id, @RequestBody SaveWebhook request) {
        return webhooks.update(actor, account, id, request);
    }

    @DeleteMapping("/{id}")
    @Operation(operationId = "deleteWebhook", summary = "Delete the endpoint and its deliveries")
    @ApiResponse(responseCode = "204", description = "Deleted")
    Mono<ResponseEntity<Void>> delete(Actor actor, @PathVariable String account, @PathVariable String id) {
        return webhooks.delete(actor, account, id)
                .thenReturn(ResponseEntity.status(HttpStatus.NO_CONTENT).build());
    }

    @GetMapping("/{id}/deliveries")
    @Operation(operationId = "listWebhookDeliveries", summary = "The endpoint's latest 100 deliveries, newest first")
    @ApiResponse(responseCode = "200", description = "The deliveries with their status")
    Mono<DeliveryList> deliveries(@PathVariable String account, @PathVariable String id) {
        return webhooks.deliveries(account, id).map(DeliveryList::new);
    }

    /** {@code POST …/rotate-secret}: how long the current secret keeps signing beside the new one. */
    record RotateSecret(
            @io.swagger.v3.oas.annotations.media.Schema(
                    nullable = true,
                    description = "hours (0–72, default 24) during which deliveries carry a signature"
                            + " with the old secret too")
            @jakarta.validation.constraints.Min(0)
            @jakarta.validation.constraints.Max(72)
            Integer graceHours) {}

    @PostMapping("/{id}/rotate-secret")
    @Operation(
            operationId = "rotateWebhookSecret",
            summary = "A new signing secret, shown once; for graceHours deliveries are signed with both")
    @ApiResponse(responseCode = "200", description = "The endpoint with its new `secret` (whsec_…)")
    @ApiResponse(responseCode = "400", ref = ProblemResponses.BAD_REQUEST)
    Mono<WebhookEndpoint> rotateSecret(
            Actor actor,
            @PathVariable String account,
            @PathVariable String id,
            @jakarta.validation.Valid @RequestBody(required = false) RotateSecret request) {
        Integer grace = request == null ? null : request.graceHours();
        return webhooks.rotateSecret(actor, account, id, java.time.Duration.ofHours(grace == null ? 24 : grace));
    }

    @PostMapping("/{id}/test")
    @Operation(operationId = "testWebhook", summary = "Send a webhook.test event to this endpoint")
    @ApiResponse(responseCode = "202", description = "Queued; see its delivery")
    Mono<ResponseEntity<Queued>> test(Actor actor, @PathVariable String account, @PathVariable String id) {
        return webhooks.test(actor, account, id)
                .map(delivery -> ResponseEntity.accepted().body(new Queued(delivery)));
    }

    @PostMapping("/{id}/deliveries/{delivery}/redeliver")
    @Operation(operationId = "redeliverWebhook", summary = "Send a delivery again now (same webhook-id)")
    @ApiResponse(responseCode = "202", description = "Queued")
    Mono<ResponseEntity<Map<String, String>>> redeliver(
            Actor actor, @PathVariable String account, @PathVariable String id, @PathVariable String delivery) {
        return webhooks.redeliver(actor, account, id, delivery)
                .thenReturn(ResponseEntity.accepted().body(Map.of("deliveryId", delivery)));
    }
}
