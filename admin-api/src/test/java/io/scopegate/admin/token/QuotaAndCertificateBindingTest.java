package io.scopegate.admin.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.http.MediaType;

/**
 * A token's {@code quota} and {@code clientCertificateSubject} (issue 16): set at create, changed and
 * removed by PATCH, shown wherever the token is, audited with their new values, published to the
 * gateways; a duplicate keeps the quota but not the certificate binding. Bad values are refused with
 * the field named, and change nothing.
 */
class QuotaAndCertificateBindingTest extends AdminApiTest {

    @Test
    void quotaAndBoundSubjectAreStoredInTheirStandardFormAndShownWhereverTheTokenIs() {
        String account = newAccount();
        String api = newApi();
        Map<String, Object> created = createToken(
                operator(),
                account,
                Map.of(
                        "name",
                        "Partner A",
                        "scopes",
                        List.of(Map.of("api", api, "methods", List.of("GET"))),
                        "quota",
                        Map.of("perDay", 10_000, "perMonth", 250_000),
                        // As a person may type it: the RFC 2253 form is what is kept and compared.
                        "clientCertificateSubject",
                        "cn=partner-a, o=Acme"));
        String sid = (String) created.get("sid");

        assertThat(created)
                .containsEntry("quota", Map.of("perDay", 10_000, "perMonth", 250_000))
                .containsEntry("clientCertificateSubject", "CN=partner-a,O=Acme");
        Map<String, Object> read = readToken(account, sid);
        assertThat(read)
                .containsEntry("quota", Map.of("perDay", 10_000, "perMonth", 250_000))
                .containsEntry("clientCertificateSubject", "CN=partner-a,O=Acme");
        Map<String, Object> listed = operator()
                .get()
                .uri("/v1/accounts/{a}/tokens", account)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertThat(listed.get("items"))
                .asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.LIST)
                .singleElement()
                .isEqualTo(read);
        assertThat(stored(sid)).isEqualTo("10000|250000|CN=partner-a,O=Acme");
        assertThat(count(
                        "select count(*) from audit_events where token_sid = $1 and action = 'TOKEN_CREATED'"
                                + " and details->'quota'->>'perDay' = '10000'"
                                + " and details->>'clientCertificateSubject' = 'CN=partner-a,O=Acme'",
                        sid))
                .isEqualTo(1);
        assertThat(count("select count(*) from token_events where token_sid = $1", sid))
                .isEqualTo(1);
    }

    @Test
    void aTokenWithoutEitherHasNullQuotaAndIsNotBound() {
        String account = newAccount();
        Map<String, Object> created = createToken(account, "Plain", newApi(), "GET");

        assertThat(created).containsEntry("quota", null).containsEntry("clientCertificateSubject", null);
        assertThat(stored((String) created.get("sid"))).isEqualTo("||");
    }

    @Test
    void patchSetsReplacesAndRemovesTheQuotaAndTheBindingEachAuditedAndPublished() {
        String account = newAccount();
        String sid = (String) createToken(account, "Tiered", newApi(), "GET").get("sid");

        assertThat(patch(account, sid, Map.of("quota", Map.of("perDay", 500))))
                .containsEntry("quota", nullable("perDay", 500, "perMonth", null));
        assertThat(patch(account, sid, Map.of("quota", Map.of("perMonth", 9_000))))
                .as("the quota is replaced as a whole, as rateLimit is")
                .containsEntry("quota", nullable("perDay", null, "perMonth", 9_000));
        assertThat(patch(account, sid, Map.of("clientCertificateSubject", "CN=partner-b, OU=Ops, O=Acme")))
                .containsEntry("clientCertificateSubject", "CN=partner-b,OU=Ops,O=Acme")
                .containsEntry("quota", nullable("perDay", null, "perMonth", 9_000));
        assertThat(patch(account, sid, nullable("quota", null, "clientCertificateSubject", null)))
                .containsEntry("quota", null)
                .containsEntry("clientCertificateSubject", null);
        patch(account, sid, Map.of("quota", Map.of("perDay", 1)));
        assertThat(patch(account, sid, Map.of("quota", nullable("perDay", null, "perMonth", null))))
                .as("a quota with neither part is no quota")
                .containsEntry("quota", null);
        assertThat(stored(sid)).isEqualTo("||");

        assertThat(count(
                        "select count(*) from audit_events where token_sid = $1 and action = 'TOKEN_UPDATED'"
                                + " and details->'quota'->>'perDay' = '500'",
                        sid))
                .isEqualTo(1);
        assertThat(count(
                        "select count(*) from audit_events where token_sid = $1 and action = 'TOKEN_UPDATED'"
                                + " and details->>'clientCertificateSubject' = 'CN=partner-b,OU=Ops,O=Acme'",
                        sid))
                .isEqualTo(1);
        assertThat(count(
                        "select count(*) from audit_events where token_sid = $1 and action = 'TOKEN_UPDATED'"
                                + " and details ? 'quota' and details->'quota' = 'null'::jsonb"
                                + " and details ? 'clientCertificateSubject'"
                                + " and details->'clientCertificateSubject' = 'null'::jsonb",
                        sid))
                .as("a removal is audited with the value it left: null")
                .isEqualTo(1);
        // Created, then six edits: each one an event, so every gateway reloads the token.
        assertThat(count("select count(*) from token_events where token_sid = $1", sid))
                .isEqualTo(7);
    }

    @Test
    void aDuplicateKeepsTheQuotaButIsNotBoundToTheSourcesCertificate() {
        String account = newAccount();
        Map<String, Object> source = createToken(
                operator(),
                account,
                Map.of(
                        "name",
                        "Bound",
                        "scopes",
                        List.of(Map.of("api", newApi(), "methods", List.of("GET"))),
                        "quota",
                        Map.of("perDay", 100),
                        "clientCertificateSubject",
                        "CN=partner-a,O=Acme"));

        Map<String, Object> copy = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/duplicate", account, source.get("sid"))
                .exchange()
                .expectStatus()
                .isCreated()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertThat(copy)
                .containsEntry("quota", nullable("perDay", 100, "perMonth", null))
                .containsEntry("clientCertificateSubject", null);
        assertThat(stored((String) copy.get("sid"))).isEqualTo("100||");
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                Arguments.of("zero a day", Map.of("quota", Map.of("perDay", 0)), "quota.perDay"),
                Arguments.of("negative a month", Map.of("quota", Map.of("perMonth", -5)), "quota.perMonth"),
                Arguments.of("fraction", Map.of("quota", Map.of("perDay", 1.5)), "quota.perDay"),
                Arguments.of("text", Map.of("quota", Map.of("perMonth", "many")), "quota.perMonth"),
                Arguments.of("unknown key", Map.of("quota", Map.of("perHour", 10)), "quota.perHour"),
                Arguments.of("beyond 2^31-1", Map.of("quota", Map.of("perDay", 2_147_483_648L)), "quota.perDay"),
                Arguments.of("not an object", Map.of("quota", 100), "quota"),
                Arguments.of(
                        "a day above the month",
                        Map.of("quota", Map.of("perDay", 1_000, "perMonth", 999)),
                        "quota.perDay"),
                Arguments.of(
                        "not a distinguished name",
                        Map.of("clientCertificateSubject", "partner-a from Acme"),
                        "clientCertificateSubject"),
                Arguments.of("empty name", Map.of("clientCertificateSubject", ""), "clientCertificateSubject"),
                Arguments.of(
                        "over 1024 characters",
                        Map.of("clientCertificateSubject", "CN=" + "a".repeat(1022)),
                        "clientCertificateSubject"),
                Arguments.of(
                        "not text", Map.of("clientCertificateSubject", List.of("CN=a")), "clientCertificateSubject"));
    }

    @ParameterizedTest(name = "create: {0}")
    @MethodSource("badValues")
    void aCreateWithABadValueIsRefusedNamingTheFieldAndCreatesNothing(
            String description, Map<String, Object> bad, String field) {
        String account = newAccount();
        Map<String, Object> body = new HashMap<>(bad);
        body.put("name", "refused");

        Map<String, Object> problem = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertProblem(problem, 400, field);
        assertThat(count("select count(*) from tokens where account_sid = $1", account))
                .isZero();
    }

    @ParameterizedTest(name = "PATCH: {0}")
    @MethodSource("badValues")
    void aPatchWithABadValueIsRefusedNamingTheFieldAndChangesNothing(
            String description, Map<String, Object> bad, String field) {
        String account = newAccount();
        String sid = (String) createToken(
                        operator(),
                        account,
                        Map.of(
                                "name",
                                "Unchanged",
                                "quota",
                                Map.of("perDay", 7, "perMonth", 70),
                                "clientCertificateSubject",
                                "CN=partner-a,O=Acme"))
                .get("sid");

        Map<String, Object> problem = operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(bad)
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectHeader()
                .contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();

        assertProblem(problem, 400, field);
        assertThat(stored(sid)).isEqualTo("7|70|CN=partner-a,O=Acme");
        assertThat(count("select count(*) from audit_events where token_sid = $1", sid))
                .isEqualTo(1);
        assertThat(count("select count(*) from token_events where token_sid = $1", sid))
                .isEqualTo(1);
    }

    private Map<String, Object> readToken(String account, String sid) {
        return operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    private Map<String, Object> patch(String account, String sid, Map<String, Object> body) {
        return operator()
                .patch()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    /** The three columns as the gateways read them, {@code perDay|perMonth|subject}, empty for null. */
    private String stored(String sid) {
        return db.sql("""
                        select coalesce(quota_per_day::text, '') || '|' || coalesce(quota_per_month::text, '') || '|'
                               || coalesce(client_certificate_subject, '')
                        from tokens where sid = :sid
                        """)
                .bind("sid", sid)
                .map((row, meta) -> row.get(0, String.class))
                .one()
                .block(java.time.Duration.ofSeconds(10));
    }

    /** A map that may hold nulls, in order (Map.of refuses them). */
    private static Map<String, Object> nullable(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(k1, v1);
        map.put(k2, v2);
        return map;
    }
}
