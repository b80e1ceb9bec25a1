package io.scopegate.store.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.transaction.CannotCreateTransactionException;

/** What counts as the store being away (503, retry) and what is a bug that must surface (500). */
class StoreFailuresTest {

    private static R2dbcNonTransientResourceException serverSaid(String sqlState) {
        return new R2dbcNonTransientResourceException("server error", sqlState);
    }

    @Test
    void noAnswerALostConnectionOrAServerThatCannotServeIsAnOutage() {
        assertThat(StoreFailures.isStoreFailure(new TimeoutException())).isTrue();
        assertThat(StoreFailures.isStoreFailure(new IOException("connection reset")))
                .isTrue();
        assertThat(StoreFailures.isStoreFailure(new R2dbcNonTransientResourceException("Connection closed")))
                .isTrue();
        assertThat(StoreFailures.isStoreFailure(serverSaid("57P01")))
                .as("admin shutdown")
                .isTrue();
        assertThat(StoreFailures.isStoreFailure(serverSaid("57014")))
                .as("statement timeout")
                .isTrue();
        assertThat(StoreFailures.isStoreFailure(serverSaid("53300")))
                .as("too many connections")
                .isTrue();
        assertThat(StoreFailures.isStoreFailure(serverSaid("08006")))
                .as("connection failure")
                .isTrue();
        assertThat(StoreFailures.isStoreFailure(serverSaid("25006")))
                .as("a write to a primary a failover demoted")
                .isTrue();
        assertThat(StoreFailures.isStoreFailure(serverSaid("58030")))
                .as("I/O error")
                .isTrue();
        assertThat(StoreFailures.isStoreFailure(new CannotCreateTransactionException(
                        "Could not open R2DBC Connection", new R2dbcNonTransientResourceException("closed"))))
                .as("a transaction that could not begin")
                .isTrue();
    }

    @Test
    void anErrorTheServerReportsForTheStatementIsNotAnOutageWhateverItsType() {
        // A trigger's raise_exception reaches us as a "resource" exception, wrapped by Spring as one too.
        assertThat(StoreFailures.isStoreFailure(serverSaid("P0001"))).isFalse();
        assertThat(StoreFailures.isStoreFailure(new DataAccessResourceFailureException("failed", serverSaid("P0001"))))
                .isFalse();
        assertThat(StoreFailures.isStoreFailure(serverSaid("42P01")))
                .as("missing table")
                .isFalse();
        assertThat(StoreFailures.isStoreFailure(new IllegalStateException("bug")))
                .isFalse();
    }
}
