package io.scopegate.gateway.token;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.scopegate.gateway.GatewaySettings;
import io.scopegate.gateway.MigratedStore;
import io.scopegate.store.scope.LegacyKind;
import io.scopegate.store.scope.Scope;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.springframework.r2dbc.core.DatabaseClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The token reader against a real store (embedded PostgreSQL with the schema's migrations), the
 * store's queries counted where they are sent: a cold replica's first requests for many distinct
 * tokens must cost the store a few queries, not one per token.
 */
class TokenStoreReaderTest {

    private static final int TOKENS = 300;
    private static final int ACCOUNTS = 15;

    private static MigratedStore store;

    /** Token and legacy-token queries the reader sent to the store. */
    private final AtomicInteger credentialQueries = new AtomicInteger();

    private TokenCache cache;

    @BeforeAll
    static void schemaAndTokens() throws SQLException {
        store = MigratedStore.obtain();
        try (var connection = store.jdbc();
                var statement = connection.createStatement()) {
            statement.execute("""
                    insert into apis (id, name, paths, methods, upstream_url, latest_version, created_at, updated_at)
                    values ('campaigns', 'Campaigns', '{/campaigns/**}', '{GET,POST}', 'http://localhost:1', 1, now(), now()),
                           ('reports', 'Reports', '{/reports/**}', '{GET}', 'http://localhost:1', 1, now(), now())
                    """);
            statement.execute("""
                    insert into accounts (sid, name, created_at, updated_at)
                    select 'ACBATCH' || a, 'batch ' || a, now(), now() from generate_series(1, %d) a
                    """.formatted(ACCOUNTS));
            statement.execute("""
                    insert into tokens (sid, account_sid, name, api_version, state, secret_hash,
                                        created_at, updated_at, credentials_rotated_at)
                    select 'ST' || lpad(to_hex(i), 32, '0'), 'ACBATCH' || (1 + i %% %d), 'batch', 1,
                           case when i %% 10 = 0 then 'DISABLED' else 'ENABLED' end,
                           sha256(i::text::bytea), now(), now(), now()
                    from generate_series(1, %d) i
                    """.formatted(ACCOUNTS, TOKENS));
            statement.execute("""
                    insert into token_scopes (token_sid, api_id, method)
                    select sid, 'campaigns', 'GET' from tokens where account_sid like 'ACBATCH%'
                    union all
                    select sid, 'reports', 'GET' from tokens where account_sid like 'ACBATCH%'
                    """);
            statement.execute("""
                    insert into legacy_tokens (account_sid, kind, api_version, secret_hash,
                                               created_at, updated_at, credentials_rotated_at)
                    select 'ACBATCH' || a, k, 1, sha256(k::bytea), now(), now(), now()
                    from generate_series(1, 5) a, unnest(array['READ_WRITE', 'READ_ONLY']) k
                    """);
        }
    }

    @BeforeEach
    void cacheOnCountedStore() {
        ConnectionFactory postgres = store.r2dbc();
        cache = new TokenCache(
                new TokenStoreReader(DatabaseClient.create(counting(postgres))),
                new GatewaySettings(
                        0, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(10), Duration.ofMillis(250), 10_000),
                new SimpleMeterRegistry());
    }

    private static String sid(int i) {
        return "ST%032x".formatted(i);
    }

    @Test
    void concurrentFirstRequestsForDistinctTokensCostTheStoreAFewQueries() {
        List<String> names = IntStream.rangeClosed(1, TOKENS + 20) // 20 SIDs the store does not have
                .mapToObj(TokenStoreReaderTest::sid)
                .toList();

        List<CachedToken> answers = Flux.fromIterable(names)
                .flatMapSequential(cache::get, names.size())
                .collectList()
                .block(Duration.ofSeconds(30));

        assertThat(answers).hasSize(names.size());
        for (int i = 1; i <= TOKENS; i++) {
            CachedToken.Scoped token = (CachedToken.Scoped) answers.get(i - 1);
            assertThat(token.sid()).isEqualTo(sid(i));
            assertThat(token.accountSid()).isEqualTo("ACBATCH" + (1 + i % ACCOUNTS));
            assertThat(token.enabled()).isEqualTo(i % 10 != 0);
            assertThat(token.scopes())
                    .containsExactly(new Scope("campaigns", Set.of("GET")), new Scope("reports", Set.of("GET")));
        }
        assertThat(answers.subList(TOKENS, names.size())).containsOnly(CachedToken.UNKNOWN);
        // 320 misses at once: the first queries go alone, the rest wait and go together.
        assertThat(credentialQueries).hasValueLessThanOrEqualTo(names.size() / 20);
    }

    @Test
    void tokensWithEqualGrantsShareOneScopeListAndAccountSid() {
        CachedToken.Scoped first = (CachedToken.Scoped) cache.get(sid(1)).block(Duration.ofSeconds(10));
        CachedToken.Scoped second =
                (CachedToken.Scoped) cache.get(sid(1 + ACCOUNTS)).block(Duration.ofSeconds(10));

        assertThat(second.scopes()).isSameAs(first.scopes());
        assertThat(second.accountSid()).isSameAs(first.accountSid());
    }

    @Test
    void legacyTokensAndScopedTokensMissedTogetherAreEachFound() {
        List<String> names = List.of("ACBATCH1", sid(7), "ACBATCH2", "ACBATCH14", sid(8));

        List<CachedToken> answers = Flux.fromIterable(names)
                .flatMapSequential(cache::get, names.size())
                .collectList()
                .block(Duration.ofSeconds(30));

        CachedToken.Legacy legacy = (CachedToken.Legacy) answers.get(0);
        assertThat(legacy.accountSid()).isEqualTo("ACBATCH1");
        assertThat(legacy.credentials()).containsOnlyKeys(LegacyKind.READ_WRITE, LegacyKind.READ_ONLY);
        assertThat(((CachedToken.Scoped) answers.get(1)).sid()).isEqualTo(sid(7));
        assertThat(answers.get(2)).isInstanceOf(CachedToken.Legacy.class);
        // An account without legacy tokens is as unknown as a SID without a token.
        assertThat(answers.get(3)).isEqualTo(CachedToken.UNKNOWN);
        assertThat(((CachedToken.Scoped) answers.get(4)).sid()).isEqualTo(sid(8));
    }

    @Test
    void aSingleMissIsOneQuery() {
        assertThat(cache.get(sid(3)).block(Duration.ofSeconds(10))).isInstanceOf(CachedToken.Scoped.class);
        assertThat(cache.get(sid(3)).block(Duration.ofSeconds(10))).isInstanceOf(CachedToken.Scoped.class);

        assertThat(credentialQueries).hasValue(1);
    }

    /** The store's connections, counting each statement that reads tokens or legacy tokens. */
    private ConnectionFactory counting(ConnectionFactory delegate) {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.from(delegate.create()).map(this::counted);
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return delegate.getMetadata();
            }

            private Connection counted(Connection connection) {
                return (Connection) Proxy.newProxyInstance(
                        Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, (proxy, method, args) -> {
                            if (method.getName().equals("createStatement")) {
                                String sql = (String) args[0];
                                if (sql.contains("from tokens") || sql.contains("from legacy_tokens")) {
                                    credentialQueries.incrementAndGet();
                                }
                            }
                            try {
                                return method.invoke(connection, args);
                            } catch (InvocationTargetException e) {
                                throw e.getCause();
                            }
                        });
            }
        };
    }
}
