package io.scopegate.gateway.limit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.scopegate.gateway.token.CachedToken;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * Quotas counted in this replica's memory: with the local backend, and while Redis is away. A token's
 * counts start from what the store's {@code token_usage_daily} holds for today and this month (every
 * replica's flushed usage), read once when the token is first seen here; the read is asynchronous and
 * bounded, and the request path never waits for it: requests admitted meanwhile are counted on top.
 * One whose usage was flushed before the read came back is then counted twice: the count errs toward
 * refusing early, never toward letting a token past its quota (usage flushes every 10 s, the read takes
 * milliseconds, so in practice only on a struggling store).
 */
@Component
class LocalQuotas {

    private static final Logger log = LoggerFactory.getLogger(LocalQuotas.class);

    private final QuotaUse storeUse;
    private final Cache<String, Counts> counts = Caffeine.newBuilder()
            .maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(1))
            .build();

    LocalQuotas(QuotaUse storeUse) {
        this.storeUse = storeUse;
    }

    /** The token's counts, created (and their seeding from the store started) at first sight. */
    Counts of(String tokenId, Instant now) {
        return counts.get(tokenId, id -> seeded(id, now));
    }

    /** Forgets every count, so the next sight of each token reads the store afresh (see {@code TokenLimits}). */
    void forgetAll() {
        counts.invalidateAll();
    }

    private Counts seeded(String tokenId, Instant now) {
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        Counts fresh = new Counts(today);
        storeUse.usedIn(tokenId, today)
                .subscribe(
                        used -> fresh.seed(today, used[0], used[1]),
                        // Fail open: unseeded counts start at zero, and the store's usage cannot be had now.
                        error -> {
                            if (error instanceof TimeoutException || error instanceof DataAccessException) {
                                log.debug("Quota use of a token not read from the store: {}", error.toString());
                            } else {
                                log.warn("Quota use of a token not read from the store", error);
                            }
                        });
        return fresh;
    }

    /** Where a token's uses so far come from: the store's usage (every replica's), bounded. */
    @FunctionalInterface
    interface QuotaUse {

        /** {today's uses, this month's uses (today's included)} of a token, as far as the store knows. */
        Mono<long[]> usedIn(String tokenId, LocalDate today);
    }

    /** One token's uses today and this month. Synchronised: requests of one token race on it. */
    static final class Counts {

        private LocalDate day;
        private long dayUsed;
        private long monthUsed;

        private Counts(LocalDate day) {
            this.day = day;
        }

        /** Counts one request when both quotas allow it; returns the uses after it, or the refusal. */
        synchronized long[] take(CachedToken.Quota quota, Instant now) {
            roll(LocalDate.ofInstant(now, ZoneOffset.UTC));
            boolean over = (quota.perDay() != null && dayUsed >= quota.perDay())
                    || (quota.perMonth() != null && monthUsed >= quota.perMonth());
            if (!over) {
                dayUsed++;
                monthUsed++;
            }
            return new long[] {over ? 1 : 0, dayUsed, monthUsed};
        }

        /** The uses now, counting nothing: for the headers of a request the rate refused. */
        synchronized long[] peek(Instant now) {
            roll(LocalDate.ofInstant(now, ZoneOffset.UTC));
            return new long[] {0, dayUsed, monthUsed};
        }

        private synchronized void seed(LocalDate seededDay, long today, long month) {
            if (seededDay.equals(day)) {
                dayUsed += today;
                monthUsed += month;
            }
        }

        private void roll(LocalDate today) {
            if (today.equals(day)) {
                return;
            }
            if (today.getYear() != day.getYear() || today.getMonth() != day.getMonth()) {
                monthUsed = 0;
            }
            dayUsed = 0;
            day = today;
        }
    }
}
