package io.scopegate.admin.paging;

import io.scopegate.admin.error.ApiProblem;

/** A list's {@code limit}: how many items a page may hold, checked against the list's maximum. */
public final class PageLimit {

    private PageLimit() {}

    /** @throws ApiProblem 400 on {@code limit} outside 1..max */
    public static int check(int limit, int max) {
        if (limit < 1 || limit > max) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + max);
        }
        return limit;
    }
}
