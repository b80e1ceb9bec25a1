package io.scopegate.admin.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Token lists page with an opaque cursor: every token once, in order, while others are being created. */
class TokenPagingTest extends AdminApiTest {

    /**
     * Inserts disabled tokens (so the active-token limit does not stand in the way) named
     * {@code <prefix><n>}, three to a creation time, so page boundaries fall inside ties.
     */
    private void seed(String account, String prefix, int count) {
        Instant newest = clock.instant().minus(Duration.ofHours(1));
        db.sql("""
                insert into tokens (sid, account_sid, name, api_version, state, secret_hash, created_at, updated_at,
                                    credentials_rotated_at)
                select 'ST' || md5(:account || :prefix || n), :account, :prefix || n, 1, 'DISABLED', '\\x00',
                       :newest - make_interval(secs => n / 3), :newest, :newest
                from generate_series(1, :count) as n
                """)
                .bind("account", account)
                .bind("prefix", prefix)
                .bind("newest", newest)
                .bind("count", count)
                .then()
                .block(Duration.ofSeconds(10));
    }

    /** The account's token SIDs, read from the store itself. */
    private Set<String> stored(String account) {
        return new HashSet<>(db.sql("select sid from tokens where account_sid = :account")
                .bind("account", account)
                .map(row -> row.get("sid", String.class))
                .all()
                .collectList()
                .block(Duration.ofSeconds(10)));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> page(String account, String query) {
        return operator()
                .get()
                .uri("/v1/accounts/" + account + "/tokens" + query)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<String> sids(Map<String, Object> page) {
        return ((List<Map<String, Object>>) page.get("items"))
                .stream().map(t -> (String) t.get("sid")).toList();
    }

    @Test
    void pagingThrough250TokensWhileOthersAreCreatedShowsEachOnceAndNoneMissing() {
        String account = newAccount();
        String api = newApi();
        seed(account, "seeded-", 250);
        Set<String> seeded = stored(account);
        assertThat(seeded).hasSize(250);

        List<String> seen = new ArrayList<>();
        // 13 a page: 20 pages, and page ends fall inside ties of creation time.
        Map<String, Object> current = page(account, "?limit=13");
        int pages = 1;
        while (true) {
            seen.addAll(sids(current));
            // Another admin creates a token between every two pages.
            createToken(account, "Created meanwhile " + pages, api, "GET");
            String cursor = (String) current.get("next");
            if (cursor == null) {
                break;
            }
            current = page(account, "?limit=13&cursor=" + cursor);
            pages++;
        }

        assertThat(seen).doesNotHaveDuplicates();
        assertThat(new HashSet<>(seen)).isEqualTo(seeded);
        assertThat(pages).isEqualTo(20);
    }

    @Test
    void filtersHoldAcrossPagesAndACursorServesOnlyTheFiltersItWasIssuedFor() {
        String account = newAccount();
        seed(account, "alpha-", 12);
        seed(account, "beta-", 5);

        Map<String, Object> first = page(account, "?name=ALPHA&state=disabled&limit=5");
        String cursor = (String) first.get("next");
        List<String> alpha = new ArrayList<>(sids(first));
        while (cursor != null) {
            Map<String, Object> more = page(account, "?name=ALPHA&state=disabled&limit=5&cursor=" + cursor);
            alpha.addAll(sids(more));
            cursor = (String) more.get("next");
        }
        assertThat(alpha).hasSize(12).doesNotHaveDuplicates();
        assertThat(page(account, "?name=alpha&limit=12")).doesNotContainKey("next");

        String alphaCursor = (String) first.get("next");
        Map<String, Object> otherFilters = operator()
                .get()
                .uri("/v1/accounts/" + account + "/tokens?name=beta&limit=5&cursor=" + alphaCursor)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(otherFilters, 400, "cursor");
        for (String bad : List.of(
                "?cursor=not-a-cursor",
                "?cursor=" + alphaCursor.substring(2),
                "?limit=0",
                "?limit=101",
                "?limit=ten",
                "?page=2",
                "?stat=DISABLED")) {
            operator()
                    .get()
                    .uri("/v1/accounts/" + account + "/tokens" + bad)
                    .exchange()
                    .expectStatus()
                    .isBadRequest();
        }
        // A cursor rebuilt by hand with the right fingerprint but a time no store holds: 400, not 500.
        String forged = io.scopegate.admin.paging.PageCursor.encode(
                TokenListQuery.of(null, "LAST_7_DAYS", null).listing(account),
                List.of("+300000-01-01T00:00:00Z", "ST0", "-1000000000-01-01T00:00:00Z"));
        Map<String, Object> outOfRange = operator()
                .get()
                .uri("/v1/accounts/" + account + "/tokens?createdOn=LAST_7_DAYS&cursor=" + forged)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(outOfRange, 400, "cursor");
        assertThat(sids(page(account, "?name=alpha&limit=12&cursor="))).hasSize(12);
        Map<String, Object> misspelt = operator()
                .get()
                .uri("/v1/accounts/" + account + "/tokens?stat=DISABLED")
                .exchange()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(misspelt, 400, "stat");
        assertThat(misspelt.get("detail").toString()).contains("stat");
        Map<String, Object> notANumber = operator()
                .get()
                .uri("/v1/accounts/" + account + "/tokens?limit=ten")
                .exchange()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(notANumber, 400, "limit");
    }
}
