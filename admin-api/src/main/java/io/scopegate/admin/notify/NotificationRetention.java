package io.scopegate.admin.notify;

import io.scopegate.store.lifecycle.RepeatingWork;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Clock;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Keeps the notification tables to {@code scopegate.webhooks.retention} (30 days, at least 3):
 * finished deliveries and sent notifications older than that are deleted, hourly, on the elected
 * replica — except the rows that keep a reminder from being sent twice — and rotated-out signing
 * secrets once their grace period is over. The audit log
 * keeps what admins did; these tables are a work queue and its recent history.
 */
@Component
class NotificationRetention extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(NotificationRetention.class);
    private static final Duration MINIMUM = Duration.ofDays(3);

    private final WebhookRepository webhooks;
    private final StoreLeader leader;
    private final WebhookProperties settings;
    private final Clock clock;

    NotificationRetention(WebhookRepository webhooks, StoreLeader leader, WebhookProperties settings, Clock clock) {
        if (settings.retention().compareTo(MINIMUM) < 0) {
            // Daily digests look two days back for what they have not mailed yet.
            throw new IllegalStateException("scopegate.webhooks.retention must be at least " + MINIMUM);
        }
        this.webhooks = webhooks;
        this.leader = leader;
        this.settings = settings;
        this.clock = clock;
    }

    @Override
    protected Flux<?> triggers() {
        return Flux.interval(Duration.ofMinutes(1), Duration.ofHours(1));
    }

    @Override
    protected Mono<Void> runOnce() {
        if (!leader.isLeader()) {
            return Mono.empty();
        }
        return purge().then();
    }

    Mono<Long> purge() {
        return webhooks.purge(clock.instant().minus(settings.retention()), clock.instant())
                .doOnNext(deleted -> {
                    if (deleted > 0) {
                        log.info("deleted {} notification rows older than {}", deleted, settings.retention());
                    }
                })
                .timeout(Duration.ofMinutes(2));
    }
}
