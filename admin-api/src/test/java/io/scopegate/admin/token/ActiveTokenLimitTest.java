package io.scopegate.admin.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** At most 20 enabled scoped tokens per account, also when 25 requests race for the last places. */
class ActiveTokenLimitTest extends AdminApiTest {

    @LocalServerPort
    int port;

    private WebClient client() {
        return WebClient.builder()
                .baseUrl("http://localhost:" + port)
                .defaultHeader(
                        HttpHeaders.AUTHORIZATION,
                        "Basic "
                                + java.util.Base64.getEncoder()
                                        .encodeToString(("admin:" + OPERATOR_PASSWORD).getBytes()))
                .build();
    }

    /** Sends all requests at once and counts the statuses. */
    private Map<Integer, Long> race(List<Mono<Integer>> requests) {
        return Flux.fromIterable(requests)
                .flatMap(Function.identity(), requests.size())
                .collectList()
                .block(Duration.ofSeconds(120))
                .stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
    }

    private Mono<Integer> post(String path, Object body) {
        return client().post()
                .uri(path)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchangeToMono(response ->
                        response.releaseBody().thenReturn(response.statusCode().value()));
    }

    @Test
    void twentyFiveConcurrentCreatesGiveExactlyTwentyTokens() {
        String account = newAccount();
        List<Mono<Integer>> creates = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            creates.add(post("/v1/accounts/" + account + "/tokens", Map.of("name", "racer " + i)));
        }

        assertThat(race(creates)).containsExactlyInAnyOrderEntriesOf(Map.of(201, 20L, 409, 5L));
        assertThat(count("select count(*) from tokens where account_sid = $1 and state = 'ENABLED'", account))
                .isEqualTo(20);
    }

    @Test
    void anExpiredTokenFreesItsPlaceAndTakesOneAgainOnlyIfThereIsRoom() {
        String account = newAccount();
        String expiry = clock.instant().plus(Duration.ofHours(1)).toString();
        String expiring = (String) createToken(operator(), account, Map.of("name", "expiring", "expiresAt", expiry))
                .get("sid");
        for (int i = 1; i < 20; i++) {
            createToken(operator(), account, Map.of("name", "token " + i));
        }
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "one too many"))
                .exchange()
                .expectStatus()
                .isEqualTo(409);

        clock.advance(Duration.ofHours(2));

        // Expired: still listed, still ENABLED, refused by the gateway, but no longer counted.
        createToken(operator(), account, Map.of("name", "takes the freed place"));
        operator()
                .get()
                .uri("/v1/accounts/{a}/token-report", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.activeTokens")
                .isEqualTo(20);
        // Giving it a new expiry would make it active again: there is no room for it now.
        operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, expiring)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of(
                        "expiresAt", clock.instant().plus(Duration.ofDays(30)).toString()))
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectBody()
                .jsonPath("$.title")
                .isEqualTo("Active token limit reached");
        operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, expiring)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.expiresAt")
                .isEqualTo(expiry);
    }

    @Test
    void twentyFiveConcurrentDuplicatesStopAtTheLimit() {
        String account = newAccount();
        String source = (String)
                createToken(operator(), account, Map.of("name", "source")).get("sid");
        List<Mono<Integer>> duplicates = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            duplicates.add(post("/v1/accounts/" + account + "/tokens/" + source + "/duplicate", Map.of()));
        }

        assertThat(race(duplicates)).containsExactlyInAnyOrderEntriesOf(Map.of(201, 19L, 409, 6L));
        assertThat(count("select count(*) from tokens where account_sid = $1 and state = 'ENABLED'", account))
                .isEqualTo(20);
    }

    @Test
    void twentyFiveConcurrentEnablesStopAtTheLimit() {
        String account = newAccount();
        List<String> sids = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            String sid = (String)
                    createToken(operator(), account, Map.of("name", "t" + i)).get("sid");
            operator()
                    .post()
                    .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                    .exchange()
                    .expectStatus()
                    .isOk();
            sids.add(sid);
        }
        List<Mono<Integer>> enables = sids.stream()
                .map(sid -> post("/v1/accounts/" + account + "/tokens/" + sid + "/enable", Map.of()))
                .toList();

        assertThat(race(enables)).containsExactlyInAnyOrderEntriesOf(Map.of(200, 20L, 409, 5L));
        assertThat(count("select count(*) from tokens where account_sid = $1 and state = 'ENABLED'", account))
                .isEqualTo(20);
    }

    @Test
    void overTheLimitIsAConflictWithTheContractTitleAndDisabledTokensDoNotCount() {
        String account = newAccount();
        List<String> sids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            sids.add((String)
                    createToken(operator(), account, Map.of("name", "t" + i)).get("sid"));
        }
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "one too many"))
                .exchange()
                .expectStatus()
                .isEqualTo(409)
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody()
                .jsonPath("$.title")
                .isEqualTo("Active token limit reached");

        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sids.get(0))
                .exchange()
                .expectStatus()
                .isOk();
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "fits again"))
                .exchange()
                .expectStatus()
                .isCreated();
        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/enable", account, sids.get(0))
                .exchange()
                .expectStatus()
                .isEqualTo(409);
        operator()
                .get()
                .uri("/v1/accounts/{a}", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .jsonPath("$.activeTokens")
                .isEqualTo(20)
                .jsonPath("$.tokenLimit")
                .isEqualTo(20);
    }
}
