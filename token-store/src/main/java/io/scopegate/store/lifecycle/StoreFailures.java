package io.scopegate.store.lifecycle;

import io.r2dbc.spi.R2dbcException;
import java.io.IOException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import org.springframework.dao.DataAccessException;

/**
 * Whether an error means "the store did not answer" (down, unreachable, too slow, connection lost),
 * which callers turn into 503 or a retry, as opposed to a bug, which must surface as one. Resuming on
 * every error would make a programming error look like an outage.
 */
public final class StoreFailures {

    private StoreFailures() {}

    public static boolean isStoreFailure(Throwable error) {
        Throwable current = error;
        // Async caches wrap the loader's error; look through the wrapper, not further.
        if (current instanceof CompletionException && current.getCause() != null) {
            current = current.getCause();
        }
        return current instanceof TimeoutException
                || current instanceof R2dbcException
                || current instanceof DataAccessException
                || current instanceof IOException;
    }
}
