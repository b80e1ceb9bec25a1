package io.scopegate.gateway;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.ConnectionFactory;
import io.scopegate.store.embedded.EmbeddedStore;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.flywaydb.core.Flyway;

/**
 * The embedded PostgreSQL the module's store tests share, with the schema's migrations applied: a
 * JDBC connection to set a test's rows up and an R2DBC connection factory for the code under test.
 * One store for every test class of the run, so each uses SIDs of its own.
 */
public final class MigratedStore {

    private final EmbeddedStore store;

    private MigratedStore(EmbeddedStore store) {
        this.store = store;
    }

    public static MigratedStore obtain() {
        EmbeddedStore store = EmbeddedStore.obtain(null, 0);
        Flyway.configure()
                .dataSource(store.jdbcUrl(), "postgres", "postgres")
                .load()
                .migrate();
        return new MigratedStore(store);
    }

    public Connection jdbc() throws SQLException {
        return DriverManager.getConnection(store.jdbcUrl(), "postgres", "postgres");
    }

    public ConnectionFactory r2dbc() {
        return new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host("localhost")
                .port(store.port())
                .database("postgres")
                .username("postgres")
                .password("postgres")
                .build());
    }
}
