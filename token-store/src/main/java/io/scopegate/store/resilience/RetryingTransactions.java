package io.scopegate.store.resilience;

import io.r2dbc.spi.R2dbcTimeoutException;
import io.scopegate.store.lifecycle.StoreFailures;
import java.util.concurrent.TimeoutException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.ReactiveTransactionManager;
import org.springframework.transaction.reactive.TransactionCallback;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Spring's transactional operator, with one retry of a transaction that could not begin because its
 * connection turned out dead (a failover or a restart closed it after the pool handed it out). Nothing
 * ran in such a transaction, so running the whole unit again is safe; any later failure (a statement,
 * the commit) is the caller's to see, since the work may or may not have happened.
 */
final class RetryingTransactions implements TransactionalOperator {

    private static final Retry ONCE_IF_NEVER_BEGAN = Retry.max(1)
            .filter(RetryingTransactions::neverBegan)
            .onRetryExhaustedThrow((spec, signal) -> signal.failure());

    private final TransactionalOperator transactions;

    RetryingTransactions(ReactiveTransactionManager manager) {
        this.transactions = TransactionalOperator.create(manager);
    }

    /** Not a timeout: waiting as long again for a pool or a server that did not answer helps no one. */
    static boolean neverBegan(Throwable error) {
        return error instanceof CannotCreateTransactionException
                && StoreFailures.isStoreFailure(error.getCause())
                && !(error.getCause() instanceof TimeoutException)
                && !(error.getCause() instanceof R2dbcTimeoutException);
    }

    @Override
    public <T> Flux<T> execute(TransactionCallback<T> action) {
        return transactions.execute(action).retryWhen(ONCE_IF_NEVER_BEGAN);
    }

    @Override
    public <T> Flux<T> transactional(Flux<T> flux) {
        return transactions.transactional(flux).retryWhen(ONCE_IF_NEVER_BEGAN);
    }

    @Override
    public <T> Mono<T> transactional(Mono<T> mono) {
        return transactions.transactional(mono).retryWhen(ONCE_IF_NEVER_BEGAN);
    }
}
