package io.scopegate.admin.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.scopegate.admin.AdminApiTest;
import io.scopegate.admin.notify.Outbox;
import io.scopegate.store.lifecycle.StoreLeader;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The automation an operator can turn on (off in every other test): a token unused for 30 days is
 * warned 7 days ahead, once, then disabled by "system"; a token in use is left alone.
 */
class TokenAutomationTest extends AdminApiTest {

    @Autowired
    TokenService tokens;

    @Autowired
    Outbox outbox;

    @Autowired
    StoreLeader leader;

    @Test
    void anUnusedTokenIsWarnedOnceThenDisabledAndAUsedOneIsLeftAlone() {
        TokenAutomation automation = new TokenAutomation(
                db,
                tokens,
                outbox,
                leader,
                new AutomationProperties(Duration.ofDays(30), null, Duration.ofDays(7), Duration.ofHours(1)),
                clock);
        String account = newAccount();
        String api = newApi();
        String unused = (String) createToken(account, "Forgotten", api, "GET").get("sid");
        String used = (String) createToken(account, "Busy", api, "GET").get("sid");

        clock.advance(Duration.ofDays(24));
        markUsed(used);
        automation.runOnce().block(Duration.ofSeconds(30));
        automation.runOnce().block(Duration.ofSeconds(30));
        assertThat(notices(unused)).isEqualTo(1);
        assertThat(notices(used)).isZero();
        assertThat(state(unused)).isEqualTo("ENABLED");

        clock.advance(Duration.ofDays(7));
        automation.runOnce().block(Duration.ofSeconds(30));
        assertThat(state(unused)).isEqualTo("DISABLED");
        assertThat(state(used)).isEqualTo("ENABLED");
        assertThat(count(
                        "select count(*) from audit_events where token_sid = $1 and action = 'TOKEN_DISABLED' and actor = 'system'",
                        unused))
                .isEqualTo(1);
        assertThat(count(
                        "select count(*) from notification_outbox where data->>'tokenSid' = $1 and type = 'token.disabled'",
                        unused))
                .isEqualTo(1);
    }

    private void markUsed(String sid) {
        db.sql("update tokens set last_used_at = :now where sid = :sid")
                .bind("now", clock.instant())
                .bind("sid", sid)
                .then()
                .block(Duration.ofSeconds(5));
    }

    private long notices(String sid) {
        return count(
                "select count(*) from notification_outbox where data->>'tokenSid' = $1 and type = 'token.auto_disable'",
                sid);
    }

    private String state(String sid) {
        return db.sql("select state from tokens where sid = :sid")
                .bind("sid", sid)
                .map(row -> row.get(0, String.class))
                .one()
                .block(Duration.ofSeconds(5));
    }

    @Test
    void aTokenAlreadyPastTheThresholdIsWarnedFirstAndOneAnAdminReEnablesIsWarnedAgain() {
        TokenAutomation automation = new TokenAutomation(
                db,
                tokens,
                outbox,
                leader,
                new AutomationProperties(Duration.ofDays(30), null, Duration.ofDays(7), Duration.ofHours(1)),
                clock);
        String account = newAccount();
        String sid = (String) createToken(account, "Old", newApi(), "GET").get("sid");
        clock.advance(Duration.ofDays(60)); // already far past 30 days when the rule is turned on

        automation.runOnce().block(Duration.ofSeconds(30));
        assertThat(state(sid)).as("warned first, not disabled at once").isEqualTo("ENABLED");
        assertThat(notices(sid)).isEqualTo(1);

        clock.advance(Duration.ofDays(7));
        automation.runOnce().block(Duration.ofSeconds(30));
        assertThat(state(sid)).isEqualTo("DISABLED");

        operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/enable", account, sid)
                .exchange()
                .expectStatus()
                .isOk();
        automation.runOnce().block(Duration.ofSeconds(30));
        assertThat(state(sid))
                .as("an admin re-enabled it: warned again, not disabled")
                .isEqualTo("ENABLED");
        assertThat(notices(sid)).isEqualTo(2);
    }

    @Test
    void noAdminUserMayBeCalledSystem() {
        operator()
                .put()
                .uri("/v1/users/{u}", "System")
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("password", "long-enough-password", "role", "OPERATOR"))
                .exchange()
                .expectStatus()
                .isBadRequest();
    }

    private TokenAutomation automation(Duration platformUnused) {
        return new TokenAutomation(
                db,
                tokens,
                outbox,
                leader,
                new AutomationProperties(platformUnused, null, Duration.ofDays(7), Duration.ofHours(1)),
                clock);
    }

    private static java.util.Map<String, Object> effective(Long unused, Long unrotated) {
        java.util.Map<String, Object> effective = new java.util.HashMap<>();
        effective.put("disableUnusedAfterDays", unused == null ? null : unused.intValue());
        effective.put("disableUnrotatedAfterDays", unrotated);
        return effective;
    }

    private java.util.Map<String, Object> setRules(String account, java.util.Map<String, ?> rules) {
        return operator()
                .put()
                .uri("/v1/accounts/{a}/automation", account)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(rules)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
    }

    @Test
    void anAccountTurnsARuleOnForItselfWhileThePlatformsAreOff() {
        TokenAutomation automation = automation(null);
        String strict = newAccount();
        String other = newAccount();
        String api = newApi();
        String strictToken =
                (String) createToken(strict, "Forgotten", api, "GET").get("sid");
        String otherToken =
                (String) createToken(other, "Forgotten too", api, "GET").get("sid");
        java.util.Map<String, Object> rules = setRules(strict, java.util.Map.of("disableUnusedAfterDays", 20));
        assertThat(rules)
                .containsEntry("disableUnusedAfterDays", 20)
                .containsEntry("effective", effective(20L, null))
                .containsEntry("warnAheadDays", 7);

        clock.advance(Duration.ofDays(14));
        automation.runOnce().block(Duration.ofSeconds(30));
        assertThat(notices(strictToken)).isEqualTo(1);
        clock.advance(Duration.ofDays(7));
        automation.runOnce().block(Duration.ofSeconds(30));
        assertThat(state(strictToken)).isEqualTo("DISABLED");
        assertThat(state(otherToken)).as("the platform's rule is off").isEqualTo("ENABLED");
        assertThat(notices(otherToken)).isZero();
        assertThat(count(
                        "select count(*) from audit_events where account_sid = $1 and action = 'ACCOUNT_UPDATED'"
                                + " and details->'automation'->>'disableUnusedAfterDays' = '20'",
                        strict))
                .isEqualTo(1);
    }

    @Test
    @SuppressWarnings("unchecked")
    void anAccountExemptsItselfFromThePlatformsRuleWithZero() {
        TokenAutomation automation = automation(Duration.ofDays(30));
        String exempt = newAccount();
        String sid = (String) createToken(exempt, "Seasonal", newApi(), "GET").get("sid");
        java.util.Map<String, Object> rules = setRules(exempt, java.util.Map.of("disableUnusedAfterDays", 0));
        assertThat((java.util.Map<String, Object>) rules.get("effective"))
                .containsEntry("disableUnusedAfterDays", null);

        clock.advance(Duration.ofDays(60));
        automation.runOnce().block(Duration.ofSeconds(30));
        clock.advance(Duration.ofDays(8));
        automation.runOnce().block(Duration.ofSeconds(30));
        assertThat(notices(sid)).isZero();
        assertThat(state(sid)).isEqualTo("ENABLED");

        // null hands the account back to the platform's rule: warned first, as always.
        java.util.Map<String, Object> platform = new java.util.HashMap<>();
        platform.put("disableUnusedAfterDays", null);
        assertThat(setRules(exempt, platform)).containsEntry("disableUnusedAfterDays", null);
        automation.runOnce().block(Duration.ofSeconds(30));
        assertThat(notices(sid)).isEqualTo(1);
    }

    @Test
    void onlyOperatorsSetAnAccountsRulesAndBadDaysAreRefusedByName() {
        String account = newAccount();
        String admin = newUser(account, "ACCOUNT_ADMIN");
        as(admin, USER_PASSWORD)
                .get()
                .uri("/v1/accounts/{a}/automation", account)
                .exchange()
                .expectStatus()
                .isOk();
        as(admin, USER_PASSWORD)
                .put()
                .uri("/v1/accounts/{a}/automation", account)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("disableUnusedAfterDays", 0))
                .exchange()
                .expectStatus()
                .isForbidden();
        java.util.Map<String, Object> problem = operator()
                .put()
                .uri("/v1/accounts/{a}/automation", account)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("disableUnrotatedAfterDays", -1))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(problem, 400, "disableUnrotatedAfterDays");
        // At or under the 7-day warning, every token in use would be warned afresh at each run.
        java.util.Map<String, Object> tooShort = operator()
                .put()
                .uri("/v1/accounts/{a}/automation", account)
                .contentType(org.springframework.http.MediaType.APPLICATION_JSON)
                .bodyValue(java.util.Map.of("disableUnusedAfterDays", 5))
                .exchange()
                .expectStatus()
                .isBadRequest()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody();
        assertProblem(tooShort, 400, "disableUnusedAfterDays");
        assertThat(count(
                        "select count(*) from audit_events where account_sid = $1 and action = 'ACCOUNT_UPDATED'",
                        account))
                .isZero();
    }
}
