package io.scopegate.admin.paging;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.function.Function;

/**
 * One page of a list: {@code {"items":[…],"next":"…"}}. {@code next} is absent on the last page;
 * otherwise pass it back as {@code ?cursor=} with the same filters for the following page.
 */
public record Page<T>(
        List<T> items,

        @Schema(description = "The cursor of the next page; absent on the last page")
        @JsonInclude(JsonInclude.Include.NON_NULL)
        String next) {

    /**
     * The page from rows fetched with {@code limit + 1}: the extra row only tells that another page
     * follows, and the cursor points after the last row kept.
     */
    public static <T> Page<T> of(List<T> fetched, int limit, Function<T, String> cursorAfter) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = List.copyOf(fetched.subList(0, limit));
        return new Page<>(items, cursorAfter.apply(items.get(limit - 1)));
    }
}
