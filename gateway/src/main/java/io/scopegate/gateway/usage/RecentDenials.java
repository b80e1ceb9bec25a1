package io.scopegate.gateway.usage;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.gateway.observability.Outcome;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Writes a usage batch's refused requests per token and minute into {@code token_denials_recent}, from
 * which the admin API tells a token's contacts that it is being refused ({@code token.denial_spike}).
 * Only refusals of a known credential count: it lacks the scope, the address, or is disabled or
 * expired; rate limiting is volume, not a missing grant. Best effort: the usage rows are what must
 * not be lost, so a failure here (a gateway role not yet granted the table after an upgrade) is
 * counted and logged at most once a minute, and never fails the usage write.
 */
@Component
class RecentDenials {

    private static final Logger log = LoggerFactory.getLogger(RecentDenials.class);

    static final Set<String> REFUSALS =
            Set.of(Outcome.OUT_OF_SCOPE, Outcome.IP_NOT_ALLOWED, Outcome.DISABLED, Outcome.EXPIRED);

    private final DatabaseClient db;
    private final Counter failures;
    private final AtomicLong lastWarned = new AtomicLong();

    RecentDenials(DatabaseClient db, MeterRegistry registry) {
        this.db = db;
        this.failures = Counter.builder("scopegate.usage.denials.failures")
                .description("Batches of refused requests not written for denial-spike notifications")
                .register(registry);
    }

    Mono<Void> write(Map<UsageRecorder.Key, UsageRecorder.Totals> batch) {
        List<String> tokens = new ArrayList<>();
        List<String> accounts = new ArrayList<>();
        List<Long> minutes = new ArrayList<>();
        List<String> apis = new ArrayList<>();
        List<String> methods = new ArrayList<>();
        List<String> outcomes = new ArrayList<>();
        List<Long> counts = new ArrayList<>();
        batch.forEach((key, totals) -> {
            if (REFUSALS.contains(key.outcome())) {
                tokens.add(key.tokenId());
                accounts.add(key.accountSid());
                // A batch covers one flush interval (seconds): its last request dates it closely enough.
                minutes.add(totals.lastAt().truncatedTo(ChronoUnit.MINUTES).getEpochSecond());
                apis.add(key.api());
                methods.add(key.method());
                outcomes.add(key.outcome());
                counts.add(totals.requests());
            }
        });
        if (tokens.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("""
                        insert into token_denials_recent (token_sid, account_sid, minute, api_id, method, outcome, requests)
                        select t, a, to_timestamp(s), api, m, o, sum(n)
                        from unnest(cast(:tokens as text[]), cast(:accounts as text[]), cast(:minutes as bigint[]),
                                    cast(:apis as text[]), cast(:methods as text[]), cast(:outcomes as text[]),
                                    cast(:counts as bigint[])) as u(t, a, s, api, m, o, n)
                        group by t, a, s, api, m, o
                        on conflict (token_sid, minute, api_id, method, outcome) do update
                           set requests = token_denials_recent.requests + excluded.requests
                        """)
                .bind("tokens", tokens.toArray(String[]::new))
                .bind("accounts", accounts.toArray(String[]::new))
                .bind("minutes", minutes.toArray(Long[]::new))
                .bind("apis", apis.toArray(String[]::new))
                .bind("methods", methods.toArray(String[]::new))
                .bind("outcomes", outcomes.toArray(String[]::new))
                .bind("counts", counts.toArray(Long[]::new))
                .then()
                .onErrorResume(error -> {
                    failures.increment();
                    long now = Instant.now().getEpochSecond();
                    long last = lastWarned.get();
                    if (now - last >= 60 && lastWarned.compareAndSet(last, now)) {
                        log.warn(
                                "refused requests not recorded for denial-spike notifications"
                                        + " (does the gateway's role have the grant on token_denials_recent?): {}",
                                error.toString());
                    }
                    return Mono.empty();
                });
    }
}
