package io.scopegate.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The store connection over TLS when the URL asks for it ({@code sslMode=verify-full}): the admin API's
 * migrations (JDBC, URL derived from the R2DBC one) and its queries (R2DBC) both verify the server's
 * certificate and host name, and refuse a server whose certificate their CA did not sign.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StoreTlsTest {

    private final TestCertificates.Issued ca = TestCertificates.authority("Store CA");
    private Path dir;
    private EmbeddedPostgres postgres;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("scopegate-store-tls");
        TestCertificates.Issued server = TestCertificates.server(ca, "localhost");
        Path certificate = server.writeChain(dir.resolve("server.pem"));
        Path key = server.writeKey(dir.resolve("server-key.pem"));
        // PostgreSQL refuses a private key others may read.
        Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
        postgres = EmbeddedPostgres.builder()
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("ssl", "on")
                .setServerConfig("ssl_cert_file", certificate.toString())
                .setServerConfig("ssl_key_file", key.toString())
                .start();
    }

    @AfterAll
    void stop() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void migrationsAndQueriesTravelOverVerifiedTls() throws Exception {
        Path caFile = ca.writeCertificate(dir.resolve("ca.pem"));
        String url = "r2dbc:postgresql://localhost:" + postgres.getPort() + "/postgres?sslMode=verify-full&sslRootCert="
                + caFile;

        try (ConfigurableApplicationContext admin =
                Scopegate.startAdmin(url, "store-tls-operator-password", Map.of())) {
            // Flyway ran (the schema is there) and the pool's connections are open: every one of this
            // database's client connections but this test's own is encrypted.
            try (Connection check = postgres.getPostgresDatabase().getConnection();
                    ResultSet rows = check.createStatement()
                            .executeQuery("select count(*) filter (where s.ssl), count(*) filter (where not s.ssl)"
                                    + " from pg_stat_ssl s join pg_stat_activity a using (pid)"
                                    + " where a.backend_type = 'client backend' and a.pid <> pg_backend_pid()")) {
                rows.next();
                assertThat(rows.getLong(1)).isPositive();
                assertThat(rows.getLong(2)).isZero();
            }
            try (Connection check = postgres.getPostgresDatabase().getConnection();
                    ResultSet schema = check.createStatement()
                            .executeQuery("select count(*) from flyway_schema_history where success")) {
                schema.next();
                assertThat(schema.getLong(1)).isGreaterThan(10);
            }
        }
    }

    @Test
    void aServerCertificateFromAnotherCaIsRefusedByMigrationsToo() throws Exception {
        try (Connection setup = postgres.getPostgresDatabase().getConnection()) {
            setup.createStatement().execute("create database refused");
        }
        Path otherCa = TestCertificates.authority("Not the store's CA").writeCertificate(dir.resolve("other-ca.pem"));
        String url = "r2dbc:postgresql://localhost:" + postgres.getPort() + "/refused?sslMode=verify-full&sslRootCert="
                + otherCa;

        assertThatThrownBy(() -> Scopegate.startAdmin(url, "store-tls-operator-password", Map.of())
                        .close())
                .hasStackTraceContaining("PKIX");
        // Flyway never got in either: had the TLS options not reached its JDBC URL, it would have
        // connected unverified (pgjdbc's default, sslmode=prefer) and migrated before R2DBC refused.
        try (Connection check = postgres.getDatabase("postgres", "refused").getConnection();
                ResultSet table = check.createStatement().executeQuery("select to_regclass('flyway_schema_history')")) {
            table.next();
            assertThat(table.getString(1)).isNull();
        }
    }
}
