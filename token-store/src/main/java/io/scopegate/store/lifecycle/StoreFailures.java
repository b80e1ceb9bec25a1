package io.scopegate.store.lifecycle;

import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientException;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Whether an error means "the store did not answer" (down, unreachable, too slow, connection lost),
 * which callers turn into 503 or a retry, as opposed to a bug, which must surface as one: bad SQL (a
 * gateway newer than the schema), a constraint or a permission error is not an outage, and resuming
 * on it would make a programming error look like one.
 * <p>
 * Spring's R2DBC support maps every failure to get a connection (pool timeout, pending limit, refused
 * connect) to {@link DataAccessResourceFailureException}, driver timeouts to
 * {@link QueryTimeoutException}; r2dbc-pool's own acquire timeout is a {@link TimeoutException}; a
 * connection closed under a query is a {@link R2dbcNonTransientResourceException}.
 */
public final class StoreFailures {

    /**
     * SQLSTATE classes that mean the store cannot serve now: connection exception (08), insufficient
     * resources (53, e.g. too many connections), operator intervention (57: shutdown, cannot connect now,
     * statement timeout), system error (58, e.g. an I/O error) and transaction rollback (40:
     * serialization failure, deadlock). Everything else
     * the server reports (a raised exception, bad SQL, a constraint) is not an outage, whichever R2DBC
     * exception type the driver chose for it.
     */
    private static final Set<String> OUTAGE_CLASSES = Set.of("08", "53", "57", "58", "40");

    /** A write sent to a primary that a failover has just demoted: the new one takes it on a retry. */
    private static final String READ_ONLY_TRANSACTION = "25006";

    private StoreFailures() {}

    /** The SQLSTATE of the R2DBC error in this chain, or null when the failure is the client's own. */
    private static String sqlState(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof R2dbcException r2dbc) {
                String state = r2dbc.getSqlState();
                return state == null || state.length() < 2 ? null : state;
            }
        }
        return null;
    }

    public static boolean isStoreFailure(Throwable error) {
        Throwable current = error;
        // Async caches wrap the loader's error, Spring a transaction that could not begin; look through
        // the wrapper, not further.
        if ((current instanceof CompletionException || current instanceof CannotCreateTransactionException)
                && current.getCause() != null) {
            current = current.getCause();
        }
        String sqlState = sqlState(current);
        if (sqlState != null) {
            // The server answered with an error: an outage only if it says so.
            return OUTAGE_CLASSES.contains(sqlState.substring(0, 2)) || sqlState.equals(READ_ONLY_TRANSACTION);
        }
        return current instanceof TimeoutException
                || current instanceof IOException
                || current instanceof DataAccessResourceFailureException
                || current instanceof TransientDataAccessException
                || current instanceof RecoverableDataAccessException
                || current instanceof R2dbcNonTransientResourceException
                || current instanceof R2dbcTransientException
                || current instanceof R2dbcTimeoutException;
    }
}
