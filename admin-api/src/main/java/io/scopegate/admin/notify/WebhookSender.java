package io.scopegate.admin.notify;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.admin.outbound.OutboundAddresses;
import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;

/**
 * Sends due deliveries, signed as Standard Webhooks, on the elected replica only. A 2xx ends a
 * delivery; anything else (an error status, a timeout, a refused address) schedules the next
 * attempt from {@code retry-schedule}, and after the last one the delivery is FAILED (it can be
 * redelivered by hand). Redirects are not followed. The host's addresses are checked again before
 * each attempt, so a name re-pointed at an internal address is refused.
 */
@Component
class WebhookSender extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final int BATCH = 20;
    private static final int CONCURRENCY = 4;
    private static final int PER_ENDPOINT = 2;

    private final WebhookRepository webhooks;
    private final WebhookSecrets secrets;
    private final StoreLeader leader;
    private final WebhookProperties settings;
    private final WebClient client;
    private final Clock clock;
    private final MeterRegistry registry;

    WebhookSender(
            WebhookRepository webhooks,
            WebhookSecrets secrets,
            StoreLeader leader,
            WebhookProperties settings,
            Clock clock,
            MeterRegistry registry) {
        this.webhooks = webhooks;
        this.secrets = secrets;
        this.leader = leader;
        this.settings = settings;
        // Its own client: no base URL, no shared filters, no proxy; redirects are not followed (the
        // default). The address it connected to is checked before the request is written: the name's
        // check above resolved it once, and a name may resolve elsewhere a moment later.
        HttpClient http = HttpClient.create().doOnConnected(connection -> {
            if (connection.channel().remoteAddress() instanceof InetSocketAddress remote) {
                String problem = OutboundAddresses.problem(
                        remote.getAddress(), settings.allowPrivateAddresses(), WebhookProperties.ALLOW_PRIVATE);
                if (problem != null) {
                    connection.dispose();
                    throw new IllegalStateException("not sent: the connection " + problem);
                }
            }
        });
        this.client = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(http))
                .build();
        this.clock = clock;
        this.registry = registry;
        NotificationMetrics.register(registry, "webhook");
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(settings.pollInterval());
    }

    @Override
    protected Mono<Void> runOnce() {
        if (!leader.isLeader()) {
            return Mono.empty();
        }
        // Each attempt is bounded by the timeout; the run as a whole too, so the loop never stalls.
        return webhooks.due(clock.instant(), BATCH, PER_ENDPOINT)
                .flatMap(this::attempt, CONCURRENCY)
                .then()
                .timeout(Duration.ofMinutes(2));
    }

    private Mono<Void> attempt(WebhookRepository.Due delivery) {
        return Mono.fromCallable(() -> Optional.ofNullable(OutboundAddresses.addressProblem(
                        delivery.url(), settings.allowPrivateAddresses(), WebhookProperties.ALLOW_PRIVATE)))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(problem -> problem.isPresent() ? Mono.just(Outcome.refused(problem.get())) : send(delivery))
                .flatMap(outcome -> record(delivery, outcome));
    }

    private record Outcome(boolean delivered, Integer status, String error) {
        static Outcome refused(String why) {
            return new Outcome(false, null, "not sent: the URL " + why);
        }
    }

    private Mono<Outcome> send(WebhookRepository.Due delivery) {
        List<String> signingSecrets;
        try {
            signingSecrets = secrets.signing(delivery.secrets());
        } catch (RuntimeException unreadable) {
            // Not this run's problem to solve: recorded on the delivery, and the others still go out.
            return Mono.just(new Outcome(
                    false,
                    null,
                    "not sent: the endpoint's signing secret cannot be read"
                            + " (was scopegate.credentials.hmac-key changed?); rotate the secret"));
        }
        long timestamp = clock.instant().getEpochSecond();
        return client.post()
                // As registered: a URI, so escapes in it are sent as they are, not encoded again.
                .uri(URI.create(delivery.url().strip()))
                .contentType(MediaType.APPLICATION_JSON)
                .header("webhook-id", delivery.id())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header(
                        "webhook-signature",
                        // During a rotation, one signature per valid secret, space-separated, as the spec allows.
                        String.join(
                                " ",
                                signingSecrets.stream()
                                        .map(secret -> StandardWebhooks.signature(
                                                secret, delivery.id(), timestamp, delivery.payload()))
                                        .toList()))
                .header("User-Agent", "Scopegate-Webhooks/1")
                .bodyValue(delivery.payload())
                .exchangeToMono(response -> response.releaseBody()
                        .thenReturn(new Outcome(
                                response.statusCode().is2xxSuccessful(),
                                response.statusCode().value(),
                                response.statusCode().is2xxSuccessful()
                                        ? null
                                        : "answered " + response.statusCode().value())))
                .timeout(settings.timeout())
                .onErrorResume(error -> Mono.just(new Outcome(false, null, describe(error))));
    }

    /**
     * What the deliveries list says about a failed attempt: the kind of failure, never the address or
     * port it reached (the list would otherwise map the network behind a URL for its owner).
     */
    private String describe(Throwable error) {
        if (error instanceof TimeoutException) {
            return "no answer within " + settings.timeout().toSeconds() + " s";
        }
        if (error.getMessage() != null && error.getMessage().startsWith("not sent:")) {
            return error.getMessage();
        }
        return "could not connect or send (" + error.getClass().getSimpleName() + ")";
    }

    private Mono<Void> record(WebhookRepository.Due delivery, Outcome outcome) {
        Instant now = clock.instant();
        NotificationMetrics.attempted(registry, "webhook", delivery.type(), outcome.delivered());
        if (outcome.delivered()) {
            return webhooks.attempted(delivery.id(), "SUCCEEDED", outcome.status(), null, null, now);
        }
        List<Duration> schedule = settings.retrySchedule();
        boolean retry = delivery.attempts() < schedule.size();
        if (!retry) {
            log.warn(
                    "webhook delivery {} to endpoint {} failed for good: {}",
                    delivery.id(),
                    delivery.endpointId(),
                    outcome.error());
        }
        return webhooks.attempted(
                delivery.id(),
                retry ? "PENDING" : "FAILED",
                outcome.status(),
                outcome.error(),
                retry ? now.plus(schedule.get(delivery.attempts())) : null,
                now);
    }
}
