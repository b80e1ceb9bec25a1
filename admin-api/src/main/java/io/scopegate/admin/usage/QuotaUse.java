package io.scopegate.admin.usage;

import io.scopegate.admin.token.Quota;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.ArrayList;
import java.util.List;

/**
 * A token's quota beside what it used of it: requests the gateways let through this UTC day and
 * this UTC calendar month, from their usage rows, so as far behind the gateways as their usage flush
 * interval (about 10 s).
 */
@Schema(
        nullable = true,
        description = "The token's quota and its use this UTC day and month (requests let through, as the gateways"
                + " last flushed them, about 10 s behind); null when the token has no quota")
record QuotaUse(
        @Schema(nullable = true) Integer perDay,
        @Schema(nullable = true) Integer perMonth,
        long usedToday,
        long usedThisMonth) {

    /** Null when the token has no quota. */
    static QuotaUse of(Quota quota, UsageRepository.QuotaCount used) {
        if (quota == null) {
            return null;
        }
        return new QuotaUse(
                quota.perDay(), quota.perMonth(), used == null ? 0 : used.today(), used == null ? 0 : used.thisMonth());
    }

    /** What of the quota is at or above {@link ReportSettings#QUOTA_WARNING_PERCENT}, in words; empty when nothing is. */
    List<String> nearLimit() {
        List<String> near = new ArrayList<>();
        if (perDay != null && atWarning(usedToday, perDay)) {
            near.add(describe(usedToday, perDay, "today's", "00:00 UTC"));
        }
        if (perMonth != null && atWarning(usedThisMonth, perMonth)) {
            near.add(describe(usedThisMonth, perMonth, "this month's", "the 1st, 00:00 UTC"));
        }
        return near;
    }

    private static boolean atWarning(long used, int quota) {
        return used * 100 >= (long) quota * ReportSettings.QUOTA_WARNING_PERCENT;
    }

    private static String describe(long used, int quota, String which, String reset) {
        String share = used >= quota ? "used up" : (used * 100 / quota) + " % used";
        return used + " of " + quota + " requests of " + which + " quota (" + share + "; it starts again at " + reset
                + ")";
    }
}
