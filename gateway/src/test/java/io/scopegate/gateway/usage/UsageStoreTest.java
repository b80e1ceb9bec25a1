package io.scopegate.gateway.usage;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.ConnectionFactory;
import io.scopegate.gateway.MigratedStore;
import io.scopegate.gateway.observability.Outcome;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.connection.R2dbcTransactionManager;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * Usage batches against a real store, as several replicas write them: replicas that served the same
 * tokens flush overlapping rows at the same moment, in whatever order each one's map holds them.
 */
class UsageStoreTest {

    private static final int TOKENS = 200;
    private static final int ROUNDS = 25;
    /** Past the SIDs other tests of this module put in the same embedded store. */
    private static final int FIRST_SID = 0x100000;

    private static MigratedStore store;
    private static UsageStore usage;

    @BeforeAll
    static void schemaAndTokens() throws SQLException {
        store = MigratedStore.obtain();
        try (var connection = store.jdbc();
                var statement = connection.createStatement()) {
            statement.execute(
                    "insert into accounts (sid, name, created_at, updated_at) values ('ACUSAGE', 'usage', now(), now())");
            statement.execute("""
                    insert into tokens (sid, account_sid, name, api_version, state, secret_hash,
                                        created_at, updated_at, credentials_rotated_at)
                    select 'ST' || lpad(to_hex(%d + i), 32, '0'), 'ACUSAGE', 'usage', 1, 'ENABLED',
                           sha256(i::text::bytea), now(), now(), now()
                    from generate_series(1, %d) i
                    """.formatted(FIRST_SID, TOKENS));
        }
        ConnectionFactory postgres = store.r2dbc();
        usage = new UsageStore(
                DatabaseClient.create(postgres), TransactionalOperator.create(new R2dbcTransactionManager(postgres)));
    }

    @Test
    void replicasFlushingTheSameTokensAtOnceAreBothWrittenWithoutADeadlock() throws SQLException {
        LocalDate day = LocalDate.of(2026, 12, 1);
        Instant lastAt = day.atStartOfDay().toInstant(ZoneOffset.UTC).plusSeconds(3600);
        List<Integer> ascending = IntStream.rangeClosed(1, TOKENS).boxed().toList();
        List<Integer> descending = new ArrayList<>(ascending);
        Collections.reverse(descending);

        for (int round = 0; round < ROUNDS; round++) {
            // One replica's batch holds the rows in one order, the other's in the reverse order.
            List<Boolean> written = Mono.zip(
                            usage.write(batch(ascending, day, lastAt)),
                            usage.write(batch(descending, day, lastAt)),
                            List::of)
                    .block(Duration.ofSeconds(30));
            assertThat(written).as("round %d", round).containsExactly(true, true);
        }

        try (var connection = store.jdbc();
                var statement = connection.createStatement();
                var counted = statement.executeQuery("""
                        select count(*), min(u.requests), max(u.requests), count(t.last_used_at)
                        from token_usage_daily u join tokens t on t.sid = u.token_sid
                        where u.account_sid = 'ACUSAGE'
                        """)) {
            counted.next();
            assertThat(counted.getLong(1)).as("one daily row per token").isEqualTo(TOKENS);
            assertThat(counted.getLong(2)).as("every request counted").isEqualTo(2L * ROUNDS);
            assertThat(counted.getLong(3)).isEqualTo(2L * ROUNDS);
            assertThat(counted.getLong(4)).as("last used recorded").isEqualTo(TOKENS);
        }
    }

    private static UsageRecorder.Batch batch(List<Integer> tokens, LocalDate day, Instant lastAt) {
        Map<UsageRecorder.Key, UsageRecorder.Totals> rows = new LinkedHashMap<>();
        for (int token : tokens) {
            rows.put(
                    new UsageRecorder.Key(
                            "ST%032x".formatted(FIRST_SID + token),
                            "ACUSAGE",
                            day,
                            "campaigns",
                            "GET",
                            Outcome.ALLOWED),
                    new UsageRecorder.Totals(1, lastAt));
        }
        return new UsageRecorder.Batch(UUID.randomUUID(), rows);
    }
}
