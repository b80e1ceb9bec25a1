package io.scopegate.admin.propagation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.MeterRegistry;
import io.scopegate.admin.AdminApiTest;
import io.scopegate.store.event.Acknowledgement;
import io.scopegate.store.event.StoreEvent;
import io.scopegate.store.event.StoreListener;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A change the gateways apply answers once every live replica said it applied it, or after the bound,
 * and says which in {@code Scopegate-Propagation} and in its audit record. The replicas here are rows
 * and NOTIFYs written by the test, as a gateway writes them (the system tests use real gateways).
 */
class PropagationTest extends AdminApiTest {

    @Autowired
    R2dbcProperties r2dbc;

    @Autowired
    MeterRegistry registry;

    @Autowired
    PropagationReport report;

    private final List<String> replicas = new CopyOnWriteArrayList<>();
    private final List<Disposable> listening = new CopyOnWriteArrayList<>();
    private String account;
    private String sid;

    @BeforeEach
    void aToken() {
        account = newAccount();
        sid = (String) createToken(account, "propagated", newApi(), "GET").get("sid");
    }

    @AfterEach
    void replicasLeave() {
        listening.forEach(Disposable::dispose);
        replicas.forEach(id -> db.sql("delete from gateway_instances where instance_id = $1")
                .bind(0, id)
                .then()
                .block(Duration.ofSeconds(5)));
    }

    @Test
    void withNoLiveReplicaTheChangeIsConfirmedAtOnceAndTheAuditRecordSaysSo() {
        String header = disable().getResponseHeaders().getFirst(Propagation.HEADER);

        assertThat(header).matches("confirmed=0/0; ms=\\d+");
        assertThat(auditPropagation("TOKEN_DISABLED")).isEqualTo(header);
    }

    @Test
    @SuppressWarnings("unchecked")
    void aReplicaThatNeverAppliesTheChangeHoldsTheCallForTheBoundOnlyAndIsReported() {
        String silent = replica(0);
        double missedBefore =
                registry.counter("scopegate.propagation.unconfirmed").count();

        EntityExchangeResult<byte[]> result = disable();

        String header = result.getResponseHeaders().getFirst(Propagation.HEADER);
        assertThat(header).matches("confirmed=0/1; ms=1\\d{3}; timeout");
        assertThat(auditPropagation("TOKEN_DISABLED")).isEqualTo(header);
        assertThat(tokenState())
                .as("the change is made whatever the replicas say")
                .isEqualTo("DISABLED");
        assertThat(registry.counter("scopegate.propagation.unconfirmed").count())
                .isEqualTo(missedBefore + 1);
        assertThat(report.missedLately()).containsKey(silent);
    }

    @Test
    void aReplicasNotificationConfirmsTheChangeBeforeItsRowSaysSo() {
        String replica = replica(0);
        acknowledgeEachEventByNotificationOnly(replica);

        String header = disable().getResponseHeaders().getFirst(Propagation.HEADER);

        assertThat(header).matches("confirmed=1/1; ms=\\d+").doesNotContain("timeout");
    }

    @Test
    void aReplicasRowConfirmsTheChangeWhenNoNotificationIsHeard() {
        String replica = replica(0);
        applyEachEventInTheRowOnly(replica);

        String header = disable().getResponseHeaders().getFirst(Propagation.HEADER);

        assertThat(header).matches("confirmed=1/1; ms=\\d+").doesNotContain("timeout");
    }

    @Test
    void aReplicaNotSeenWithinTheLiveWindowIsNotWaitedFor() {
        String gone = replica(0);
        db.sql("update gateway_instances set seen_at = '-infinity' where instance_id = $1")
                .bind(0, gone)
                .then()
                .block(Duration.ofSeconds(5));

        assertThat(disable().getResponseHeaders().getFirst(Propagation.HEADER)).matches("confirmed=0/0; ms=\\d+");
    }

    @Test
    void creatingATokenAndARefusedChangeDoNotWait() {
        replica(0); // would hold any call that waits for the bound
        String created = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens", account)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("name", "new", "scopes", List.of()))
                .exchange()
                .returnResult(byte[].class)
                .getResponseHeaders()
                .getFirst(Propagation.HEADER);
        assertThat(created).isNull();

        String refused = operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, "ST" + "0".repeat(32))
                .exchange()
                .expectStatus()
                .isNotFound()
                .returnResult(byte[].class)
                .getResponseHeaders()
                .getFirst(Propagation.HEADER);
        assertThat(refused).isNull();
    }

    private EntityExchangeResult<byte[]> disable() {
        return operator()
                .post()
                .uri("/v1/accounts/{a}/tokens/{s}/disable", account, sid)
                .exchange()
                .expectStatus()
                .isOk()
                .expectBody()
                .returnResult();
    }

    /** A live replica, as a gateway's heartbeat writes it. */
    private String replica(long applied) {
        String id = unique("gw-");
        db.sql("insert into gateway_instances (instance_id, applied_event_id, started_at, seen_at)"
                        + " values ($1, $2, now(), now())")
                .bind(0, id)
                .bind(1, applied)
                .then()
                .block(Duration.ofSeconds(5));
        replicas.add(id);
        return id;
    }

    /**
     * Says so at once and, like a gateway's heartbeat, again every 100 ms: a NOTIFY heard before the call
     * began to wait is not kept, and here no row would tell it (a real gateway's row and NOTIFY commit
     * together).
     */
    private void acknowledgeEachEventByNotificationOnly(String replica) {
        AtomicLong applied = new AtomicLong(-1);
        Function<Long, Mono<Void>> notify = upTo -> upTo < 0
                ? Mono.empty()
                : db.sql("select pg_notify($1, $2)")
                        .bind(0, Acknowledgement.CHANNEL)
                        .bind(1, new Acknowledgement(replica, upTo).payload())
                        .then();
        onEachEvent(event -> {
            applied.accumulateAndGet(event.id(), Math::max);
            return notify.apply(applied.get());
        });
        listening.add(Flux.interval(Duration.ofMillis(100))
                .onBackpressureDrop()
                .concatMap(tick -> notify.apply(applied.get()), 0)
                .subscribe());
    }

    private void applyEachEventInTheRowOnly(String replica) {
        onEachEvent(event -> db.sql("update gateway_instances set applied_event_id = $1 where instance_id = $2")
                .bind(0, event.id())
                .bind(1, replica)
                .then());
    }

    private void onEachEvent(Function<StoreEvent, Mono<Void>> apply) {
        StoreListener events =
                new StoreListener(r2dbc.getUrl(), r2dbc.getUsername(), r2dbc.getPassword(), StoreEvent.CHANNEL);
        listening.add(events.notifications()
                .flatMapIterable(payload -> StoreEvent.parse(payload).stream().toList())
                .concatMap(apply)
                .subscribe());
        await().atMost(Duration.ofSeconds(10)).until(events::listening);
    }

    private String auditPropagation(String action) {
        return db.sql(
                        "select propagation from audit_events where token_sid = $1 and action = $2 order by id desc limit 1")
                .bind(0, sid)
                .bind(1, action)
                .map(row -> row.get(0, String.class))
                .one()
                .block(Duration.ofSeconds(5));
    }

    private String tokenState() {
        return (String) operator()
                .get()
                .uri("/v1/accounts/{a}/tokens/{s}", account, sid)
                .exchange()
                .expectBody(MAP)
                .returnResult()
                .getResponseBody()
                .get("state");
    }
}
