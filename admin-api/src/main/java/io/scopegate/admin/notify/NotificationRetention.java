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
 * Keeps the notification tables to {@code scopegate.webhooks.retention} (30 days): finished deliveries
 * and sent notifications older than that are deleted, hourly, on the elected replica. The audit log
 * keeps what admins did; these tables are a work queue and its recent history.
 */
@Component
class NotificationRetention extends RepeatingWork {

    private static final Logger log = LoggerFactory.getLogger(NotificationRetention.class);

    private final WebhookRepository webhooks;
    private final StoreLeader leader;
    private final WebhookProperties settings;
    private final Clock clock;

    NotificationRetention(WebhookRepository webhooks, StoreLeader leader, WebhookProperties settings, Clock clock) {
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
        return webhooks.purge(clock.instant().minus(settings.retention()))
                .doOnNext(deleted -> {
                    if (deleted > 0) {
                        log.info("deleted {} notification rows older than {}", deleted, settings.retention());
                    }
                })
                .timeout(Duration.ofMinutes(2));
    }
}
