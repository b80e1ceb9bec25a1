package io.scopegate.admin.notify;

import io.scopegate.admin.account.AccountRepository;
import io.scopegate.admin.audit.AuditAction;
import io.scopegate.admin.audit.ChangeLog;
import io.scopegate.admin.error.ApiProblem;
import io.scopegate.admin.error.FieldProblem;
import io.scopegate.admin.outbound.OutboundAddresses;
import io.scopegate.admin.security.Actor;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

/** An account's webhook endpoints: saved with their audit row in one transaction; test events. */
@Service
class WebhookService {

    /** The body of create and of PATCH (where absent fields stay as they are). */
    record SaveWebhook(String url, List<String> events) {}

    private final WebhookRepository webhooks;
    private final AccountRepository accounts;
    private final ChangeLog changes;
    private final TransactionalOperator tx;
    private final WebhookProperties settings;
    private final SecureRandom random;
    private final JsonMapper json;
    private final Clock clock;

    WebhookService(
            WebhookRepository webhooks,
            AccountRepository accounts,
            ChangeLog changes,
            TransactionalOperator tx,
            WebhookProperties settings,
            SecureRandom random,
            JsonMapper json,
            Clock clock) {
        this.webhooks = webhooks;
        this.accounts = accounts;
        this.changes = changes;
        this.tx = tx;
        this.settings = settings;
        this.random = random;
        this.json = json;
        this.clock = clock;
    }

    Mono<List<WebhookEndpoint>> list(String account) {
        return accounts.requireExists(account).then(webhooks.list(account).collectList());
    }

    Mono<WebhookEndpoint> get(String account, String id) {
        return accounts.requireExists(account).then(existing(account, id));
    }

    /**
     * The new endpoint with its signing secret, shown this once. The account's row lock makes the
     * count and the insert one step: concurrent creates cannot pass the limit together.
     */
    Mono<WebhookEndpoint> create(Actor actor, String account, SaveWebhook request) {
        Instant now = clock.instant();
        List<String> events = checkedEvents(request.events());
        return checkedUrl(request.url()).then(accounts.requireExists(account)).then(Mono.defer(() -> {
            String secret = StandardWebhooks.newSecret(random);
            WebhookEndpoint endpoint = new WebhookEndpoint(
                    StandardWebhooks.newId("we_", random),
                    account,
                    request.url().strip(),
                    events,
                    now,
                    now,
                    null);
            return tx.transactional(accounts.lock(account)
                            .then(underLimit(account))
                            .then(webhooks.insert(endpoint, secret))
                            .then(changes.record(
                                    actor,
                                    AuditAction.WEBHOOK_SAVED,
                                    account,
                                    endpoint.id(),
                                    Map.of("url", endpoint.url(), "events", events))))
                    .then(webhooks.find(account, endpoint.id()))
                    .map(stored -> new WebhookEndpoint(
                            stored.id(),
                            stored.accountSid(),
                            stored.url(),
                            stored.events(),
                            stored.createdAt(),
                            stored.updatedAt(),
                            secret));
        }));
    }

    private Mono<Void> underLimit(String account) {
        return webhooks.count(account)
                .flatMap(existing -> existing >= settings.maxPerAccount()
                        ? Mono.error(
                                ApiProblem.conflict(
                                        "Webhook limit reached",
                                        "An account may register " + settings.maxPerAccount()
                                                + " webhook endpoints; delete one, or subscribe an existing one to more events"))
                        : Mono.empty());
    }

    Mono<WebhookEndpoint> update(Actor actor, String account, String id, SaveWebhook request) {
        Instant now = clock.instant();
        List<String> events = request.events() == null ? null : checkedEvents(request.events());
        Mono<Void> urlChecked = request.url() == null ? Mono.empty() : checkedUrl(request.url());
        return urlChecked
                .then(accounts.requireExists(account))
                .then(existing(account, id))
                .flatMap(current -> {
                    String url = request.url() == null
                            ? current.url()
                            : request.url().strip();
                    List<String> newEvents = events == null ? current.events() : events;
                    return tx.transactional(webhooks.update(id, url, newEvents, now)
                            .then(changes.record(
                                    actor,
                                    AuditAction.WEBHOOK_SAVED,
                                    account,
                                    id,
                                    Map.of("url", url, "events", newEvents))));
                })
                .then(Mono.defer(() -> existing(account, id)));
    }

    Mono<Void> delete(Actor actor, String account, String id) {
        return accounts.requireExists(account)
                .then(tx.transactional(webhooks.delete(account, id)
                        .flatMap(count -> count == 0
                                ? Mono.error(notFound(id))
                                : changes.record(actor, AuditAction.WEBHOOK_DELETED, account, id, Map.of()))));
    }

    Mono<List<WebhookDelivery>> deliveries(String account, String id) {
        return get(account, id).flatMap(endpoint -> webhooks.deliveries(id, 100).collectList());
    }

    /** A new signing secret, shown this once; the old one keeps signing beside it for {@code grace}. */
    Mono<WebhookEndpoint> rotateSecret(Actor actor, String account, String id, Duration grace) {
        Instant now = clock.instant();
        String secret = StandardWebhooks.newSecret(random);
        return get(account, id)
                .flatMap(endpoint -> tx.transactional(webhooks.rotate(id, secret, now.plus(grace), now)
                                .flatMap(rotated -> rotated == 0 ? Mono.error(notFound(id)) : Mono.empty())
                                .then(changes.record(
                                        actor,
                                        AuditAction.WEBHOOK_SECRET_ROTATED,
                                        account,
                                        id,
                                        Map.of("graceHours", grace.toHours()))))
                        .then(existing(account, id)))
                .map(stored -> new WebhookEndpoint(
                        stored.id(),
                        stored.accountSid(),
                        stored.url(),
                        stored.events(),
                        stored.createdAt(),
                        stored.updatedAt(),
                        secret));
    }

    /** A {@code webhook.test} delivery to this endpoint only, sent by the next run of the sender. */
    Mono<String> test(Actor actor, String account, String id) {
        Instant now = clock.instant();
        String deliveryId = StandardWebhooks.newId("msg_", random);
        return get(account, id)
                .flatMap(endpoint -> tx.transactional(webhooks.insertDelivery(
                                        deliveryId,
                                        id,
                                        null,
                                        NotificationType.WEBHOOK_TEST.wireName(),
                                        Payloads.of(
                                                json,
                                                NotificationType.WEBHOOK_TEST.wireName(),
                                                now,
                                                json.valueToTree(Map.of("accountSid", account, "webhookId", id))),
                                        now)
                                .then(changes.record(
                                        actor,
                                        AuditAction.WEBHOOK_TEST_SENT,
                                        account,
                                        id,
                                        Map.of("deliveryId", deliveryId))))
                        .thenReturn(deliveryId));
    }

    Mono<Void> redeliver(Actor actor, String account, String id, String deliveryId) {
        return get(account, id)
                .then(tx.transactional(webhooks.redeliver(id, deliveryId, clock.instant())
                        .flatMap(count -> count == 0
                                ? Mono.error(ApiProblem.notFound("No delivery " + deliveryId + " of webhook " + id))
                                : changes.record(
                                        actor,
                                        AuditAction.WEBHOOK_REDELIVERED,
                                        account,
                                        id,
                                        Map.of("deliveryId", deliveryId)))));
    }

    private Mono<WebhookEndpoint> existing(String account, String id) {
        return webhooks.find(account, id).switchIfEmpty(Mono.defer(() -> Mono.error(notFound(id))));
    }

    private static ApiProblem notFound(String id) {
        return ApiProblem.notFound("No webhook " + id);
    }

    private static List<String> checkedEvents(List<String> events) {
        if (events == null || events.isEmpty()) {
            throw ApiProblem.invalid("events", "must name at least one event, e.g. token.disabled");
        }
        List<FieldProblem> problems = new ArrayList<>();
        for (int i = 0; i < events.size(); i++) {
            String event = events.get(i);
            if (event == null
                    || NotificationType.named(event).isEmpty()
                    || NotificationType.WEBHOOK_TEST.wireName().equals(event)) {
                problems.add(new FieldProblem("events[" + i + "]", "is not an event; known: " + known()));
            }
        }
        if (!problems.isEmpty()) {
            throw ApiProblem.invalid(problems);
        }
        return List.copyOf(new LinkedHashSet<>(events));
    }

    private static String known() {
        return String.join(
                ", ",
                java.util.Arrays.stream(NotificationType.values())
                        .filter(type -> type != NotificationType.WEBHOOK_TEST)
                        .map(NotificationType::wireName)
                        .toList());
    }

    /** The URL's form, then (resolving its host, off the event loop) where it points. */
    private Mono<Void> checkedUrl(String url) {
        String formProblem = OutboundAddresses.formProblem(url);
        if (formProblem != null) {
            return Mono.error(ApiProblem.invalid("url", formProblem));
        }
        return Mono.fromCallable(() -> java.util.Optional.ofNullable(OutboundAddresses.addressProblem(
                        url, settings.allowPrivateAddresses(), WebhookProperties.ALLOW_PRIVATE)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(problem ->
                        problem.isPresent() ? Mono.error(ApiProblem.invalid("url", problem.get())) : Mono.empty());
    }
}
