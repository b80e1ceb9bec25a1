package io.scopegate.admin.audit;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

/** The audit log a page at a time, platform-wide for operators, and as an NDJSON export. */
class AuditLogTest extends AdminApiTest {

    private static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson");

    private Map<String, Object> get(WebTestClient client, String uri) {
        return client.get()
                .uri(uri)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> items(Map<String, Object> page) {
        return (List<Map<String, Object>>) page.get("items");
    }

    private static List<Long> ids(Map<String, Object> page) {
        return items(page).stream().map(e -> ((Number) e.get("id")).longValue()).toList();
    }

    /** Every event of a listing, page by page, with {@code between} run after each page. */
    private List<Long> allPages(String uri, Runnable between) {
        List<Long> seen = new ArrayList<>();
        Map<String, Object> page = get(operator(), uri);
        while (true) {
            seen.addAll(ids(page));
            between.run();
            String next = (String) page.get("next");
            if (next == null) {
                return seen;
            }
            page = get(operator(), uri + "&cursor=" + next);
        }
    }

    @Test
    void theAccountLogPagesNewestFirstAndEventsWrittenMeanwhileNeitherRepeatNorPushOthersOff() {
        String account = newAccount();
        String api = newApi();
        for (int i = 0; i < 9; i++) {
            createToken(account, "t" + i, api, "GET");
        }
        List<Long> before = ids(get(operator(), "/v1/accounts/" + account + "/audit-events?limit=1000"));
        assertThat(before).hasSize(10); // the account's creation and nine tokens

        List<Long> paged = allPages(
                "/v1/accounts/" + account + "/audit-events?limit=3&action=token_created",
                () -> createToken(account, "meanwhile", api, "GET"));

        assertThat(paged).doesNotHaveDuplicates().hasSize(9).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(before).containsAll(paged);
    }

    @Test
    void operatorsListEveryAccountAndThePlatformFilteredByAccountActorActionAndTime() {
        String account = newAccount();
        String other = newAccount();
        String adminOfAccount = newUser(account, "ACCOUNT_ADMIN");
        String api = newApi(); // platform-level: API_SAVED, without an account
        createToken(as(adminOfAccount, USER_PASSWORD), account, Map.of("name", "by the account's admin"));
        createToken(other, "by the operator", api, "GET");

        List<Map<String, Object>> platform = items(get(operator(), "/v1/audit-events?action=API_SAVED&limit=1000"));
        assertThat(platform).anySatisfy(event -> {
            assertThat(event).containsEntry("accountSid", null).containsEntry("tokenSid", null);
            assertThat(event.get("details").toString()).contains("/" + api + "/**");
        });

        List<Map<String, Object>> byActor = items(get(operator(), "/v1/audit-events?actor=" + adminOfAccount));
        assertThat(byActor)
                .hasSize(1)
                .allSatisfy(event -> assertThat(event)
                        .containsEntry("action", "TOKEN_CREATED")
                        .containsEntry("accountSid", account));

        List<Map<String, Object>> ofOther = items(get(operator(), "/v1/audit-events?account=" + other));
        assertThat(ofOther).extracting(e -> e.get("action")).containsExactly("TOKEN_CREATED", "ACCOUNT_CREATED");

        String future = clock.instant().plusSeconds(3600).toString();
        assertThat(items(get(operator(), "/v1/audit-events?account=" + other + "&from=" + future)))
                .isEmpty();
        assertThat(items(get(operator(), "/v1/audit-events?account=" + other + "&to=" + future)))
                .hasSize(2);

        as(adminOfAccount, USER_PASSWORD)
                .get()
                .uri("/v1/audit-events")
                .exchange()
                .expectStatus()
                .isForbidden();
    }

    @Test
    void badFiltersAreNamedAndChangeNothing() {
        for (String query : List.of(
                "from=yesterday",
                "to=2026-13-01T00:00:00Z",
                "action=TOKEN_EATEN",
                "limit=0",
                "limit=1001",
                "cursor=abc",
                "since=2026-01-01T00:00:00Z")) {
            String field = query.substring(0, query.indexOf('='));
            Map<String, Object> problem = operator()
                    .get()
                    .uri("/v1/audit-events?" + query)
                    .exchange()
                    .expectStatus()
                    .isBadRequest()
                    .expectBody(MAP)
                    .returnResult()
                    .getResponseBody();
            assertProblem(problem, 400, field);
        }
        // A valid ISO-8601 year the store cannot hold: 400 naming the field, not a store error.
        Map<String, Object> outOfRange = operator()
                .get()
                .uri("/v1/audit-events?from={from}", "+300000-01-01T00:00:00Z") // a variable: + is sent as %2B
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(outOfRange, 400, "from");
        Map<String, Object> reversed = operator()
                .get()
                .uri("/v1/audit-events?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z")
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(reversed, 400, "to");
    }

    @Test
    void ndjsonStreamsTheWholeFilteredRangeOldestFirst() {
        String account = newAccount();
        String api = newApi();
        for (int i = 0; i < 5; i++) {
            createToken(account, "t" + i, api, "GET");
        }
        String body = operator()
                .get()
                .uri("/v1/audit-events?account=" + account)
                .accept(NDJSON)
                .exchange()
                .expectStatus()
                .isOk()
                .expectHeader()
                .contentTypeCompatibleWith(NDJSON)
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        JsonMapper json = JsonMapper.builder().build();
        List<Map<?, ?>> lines = new ArrayList<>();
        body.lines().forEach(line -> lines.add(json.readValue(line, Map.class)));
        assertThat(lines).extracting(line -> line.get("action")).first().isEqualTo("ACCOUNT_CREATED");
        assertThat(lines)
                .hasSize(6)
                .extracting(line -> ((Number) line.get("id")).longValue())
                .isSorted();

        String accountStream = operator()
                .get()
                .uri("/v1/accounts/{a}/audit-events?action=TOKEN_CREATED", account)
                .accept(NDJSON)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(accountStream.lines()).hasSize(5);

        // More events than one fetch holds (500): the stream reads batch after batch to the end.
        db.sql("""
                insert into audit_events (at, actor, action, account_sid, details)
                select :at, 'importer', 'ACCOUNT_UPDATED', :account, '{}' from generate_series(1, 1234)
                """).bind("at", clock.instant()).bind("account", account).then().block(java.time.Duration.ofSeconds(10));
        String large = operator()
                .get()
                .uri("/v1/audit-events?account=" + account)
                .accept(NDJSON)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(String.class)
                .returnResult()
                .getResponseBody();
        assertThat(large.lines()).hasSize(6 + 1234);

        // A stream has no pages: paging parameters are refused, not ignored.
        operator()
                .get()
                .uri("/v1/audit-events?limit=10")
                .accept(NDJSON)
                .exchange()
                .expectStatus()
                .isBadRequest();
    }
}
