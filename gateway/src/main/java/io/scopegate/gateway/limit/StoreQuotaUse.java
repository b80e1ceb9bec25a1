package io.scopegate.gateway.limit;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.store.token.QuotaOutcomes;
import java.time.Duration;
import java.time.LocalDate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/** A token's uses today and this month from {@code token_usage_daily}: what every replica flushed so far. */
@Component
class StoreQuotaUse implements LocalQuotas.QuotaUse {

    private final DatabaseClient db;
    private final Duration storeTimeout;

    StoreQuotaUse(DatabaseClient db, GatewaySettings settings) {
        this.db = db;
        this.storeTimeout = settings.storeTimeout();
    }

    @Override
    public Mono<long[]> usedIn(String tokenId, LocalDate today) {
        return db.sql("""
                        select coalesce(sum(requests) filter (where day = :today), 0) as today,
                               coalesce(sum(requests), 0) as month
                          from token_usage_daily
                         where token_sid = :token and day >= :monthStart and day <= :today
                           and outcome = any(:outcomes)
                        """)
                .bind("token", tokenId)
                .bind("today", today)
                .bind("monthStart", today.withDayOfMonth(1))
                .bind("outcomes", QuotaOutcomes.countedOutcomes())
                .map(row -> new long[] {
                    row.get("today", Number.class).longValue(),
                    row.get("month", Number.class).longValue()
                })
                .one()
                .timeout(storeTimeout);
    }
}
