package io.scopegate.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The local backend's decisions and the headers they carry, on a clock the test moves. */
class TokenLimitsTest {

    private final MovableClock clock = new MovableClock(Instant.parse("2026-11-30T22:00:00Z"));

    private TokenLimits limits(LocalQuotas.QuotaUse storeUse) {
        LocalQuotas quotas = new LocalQuotas(storeUse);
        return new TokenLimits(
                TestLimits.shared(TestLimits.localSettings(), quotas), quotas, new LiveReplicas(), clock);
    }

    private final TokenLimits limits = limits(TestLimits.nothingUsed());

    private static Caller caller(String sid, CachedToken.RateLimit rate, CachedToken.Quota quota) {
        return new Caller("AC1", sid, 1, List.of(), null, rate, quota, null);
    }

    private LimitVerdict take(TokenLimits limits, Caller caller) {
        return limits.take(caller).block(Duration.ofSeconds(5));
    }

    @Test
    void beyondItsBurstATokenIsRateLimitedWithAWaitUntilTheNextRequest() {
        Caller caller = caller("ST1", new CachedToken.RateLimit(2, 2), null);

        assertThat(take(limits, caller).admitted()).isTrue();
        assertThat(take(limits, caller).admitted()).isTrue();
        LimitVerdict third = take(limits, caller);

        assertThat(third.refusal()).isEqualTo(LimitVerdict.Refusal.RATE);
        assertThat(third.retryAfter()).isGreaterThan(Duration.ZERO).isLessThanOrEqualTo(Duration.ofMillis(500));
        assertThat(third.remaining()).isZero();
        assertThat(third.limit()).isEqualTo(2);
        assertThat(third.policy()).isEqualTo("2;w=1;burst=2");
    }

    @Test
    void theHeadersDescribeTheMostConstrainingWindow() {
        Caller caller = caller("ST2", new CachedToken.RateLimit(10, 20), new CachedToken.Quota(5, 1000));

        LimitVerdict first = take(limits, caller);
        LimitVerdict second = take(limits, caller);

        // 18 left in the bucket, 3 today, 998 this month: the day decides; it ends in two hours.
        assertThat(second.limit()).isEqualTo(5);
        assertThat(second.remaining()).isEqualTo(3);
        assertThat(second.reset()).isEqualTo(7200);
        assertThat(second.policy()).isEqualTo("10;w=1;burst=20, 5;w=86400, 1000;w=2592000");
        assertThat(first.remaining()).isEqualTo(4);
    }

    @Test
    void aQuotaRefusalLastsUntilThePeriodEndsAndSpendsNothingOfTheRate() {
        Caller caller = caller("ST3", new CachedToken.RateLimit(1, 3), new CachedToken.Quota(2, null));
        take(limits, caller);
        take(limits, caller);

        LimitVerdict refused = take(limits, caller);

        assertThat(refused.refusal()).isEqualTo(LimitVerdict.Refusal.QUOTA);
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofHours(2));
        assertThat(refused.policy()).isEqualTo("1;w=1;burst=3, 2;w=86400");

        clock.advance(Duration.ofHours(2));

        LimitVerdict nextDay = take(limits, caller);
        assertThat(nextDay.admitted()).isTrue();
        assertThat(nextDay.remaining()).as("one left today").isEqualTo(1);
    }

    @Test
    void aMonthlyQuotaOutlastsTheDay() {
        clock.set(Instant.parse("2026-12-14T22:00:00Z"));
        Caller caller = caller("ST4", null, new CachedToken.Quota(2, 3));
        take(limits, caller);
        take(limits, caller);
        clock.advance(Duration.ofHours(3)); // 15 December, 01:00
        assertThat(take(limits, caller).admitted()).isTrue();

        LimitVerdict refused = take(limits, caller);

        assertThat(refused.refusal()).isEqualTo(LimitVerdict.Refusal.QUOTA);
        Duration toJanuary = Duration.between(clock.instant(), Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(refused.retryAfter()).isEqualTo(toJanuary);
        assertThat(refused.reset()).isEqualTo(toJanuary.toSeconds());
        assertThat(refused.policy()).isEqualTo("2;w=86400, 3;w=2678400");
    }

    @Test
    void quotasStartFromWhatTheStoreCountedForEveryReplica() {
        TokenLimits seeded = limits((token, today) -> Mono.just(new long[] {4, 9}));
        Caller caller = caller("ST5", null, new CachedToken.Quota(5, 100));

        LimitVerdict last = take(seeded, caller);

        assertThat(last.admitted()).isTrue();
        assertThat(last.remaining()).isZero();
        assertThat(take(seeded, caller).refusal()).isEqualTo(LimitVerdict.Refusal.QUOTA);
    }

    @Test
    void aStoreThatCannotTellTheUseNeverRefusesTraffic() {
        TokenLimits unseeded = limits((token, today) -> Mono.error(new IllegalStateException("store away")));

        assertThat(take(unseeded, caller("ST6", null, new CachedToken.Quota(1, null)))
                        .admitted())
                .isTrue();
    }

    @Test
    void withoutTheSharedBackendEachOfThreeReplicasTakesAThirdOfTheBurstAndRate() {
        Caller caller = caller("ST7", new CachedToken.RateLimit(30, 30), null);

        int admitted = 0;
        while (limits.takeLocally(caller, 3).admitted()) {
            admitted++;
        }

        assertThat(admitted).isEqualTo(10);
        LimitVerdict refused = limits.takeLocally(caller, 3);
        assertThat(refused.policy()).isEqualTo("30;w=3;burst=10");
        assertThat(refused.retryAfter()).isLessThanOrEqualTo(Duration.ofMillis(100));
    }

    /** A clock the test moves. */
    static final class MovableClock extends Clock {

        private final AtomicReference<Instant> now;

        MovableClock(Instant start) {
            this.now = new AtomicReference<>(start);
        }

        void set(Instant instant) {
            now.set(instant);
        }

        void advance(Duration by) {
            now.updateAndGet(instant -> instant.plus(by));
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    }
}
