package io.scopegate.gateway.observability;

import io.scopegate.gateway.token.CachedToken;
import io.scopegate.gateway.token.TokenCache;
import io.scopegate.store.credential.Sids;
import io.scopegate.store.lifecycle.StoreFailures;
import io.scopegate.store.scope.LegacyKind;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Forgets the request series of tokens the store deleted. Without this a replica kept a deleted
 * token's series (and its place under {@code max-token-series}) until a restart, so on a deployment
 * that creates and deletes tokens routinely the cap filled with the dead and new tokens were counted
 * under {@code _overflow} (bench/RESULTS.md, Soak). The cache tells of every change it applied; for a
 * name that has series, the state the store now gives (the reload the change started, or one load)
 * decides: no token any more, no series. A disabled token keeps its series: it still exists.
 * <p>
 * A request authenticated just before the deletion and recorded just after it brings one series
 * back; it is forgotten at the token's next change or stays within the cap like any other.
 */
@Component
class DeletedTokenSeries implements TokenCache.ChangeListener {

    private static final Logger log = LoggerFactory.getLogger(DeletedTokenSeries.class);

    private final TokenCache cache;
    private final TokenSeriesLimit seriesLimit;
    private final RequestCounters counters;

    DeletedTokenSeries(TokenCache cache, TokenSeriesLimit seriesLimit, RequestCounters counters) {
        this.cache = cache;
        this.seriesLimit = seriesLimit;
        this.counters = counters;
        cache.addListener(this);
    }

    @Override
    public void changed(String username) {
        List<String> withSeries = seriesOf(username);
        if (withSeries.isEmpty()) {
            // Nothing to forget: no store lookup for names that never counted a request here.
            return;
        }
        cache.get(username)
                .subscribe(
                        current -> withSeries.stream()
                                .filter(token -> gone(token, username, current))
                                .forEach(this::forget),
                        // Keep the series while the store cannot say: the token's next change asks again.
                        error -> {
                            if (!StoreFailures.isStoreFailure(error)) {
                                log.warn("could not tell whether {} was deleted", username, error);
                            }
                        });
    }

    /** Every entry was dropped (a catalog reset): nothing says which tokens are gone, so all series stay. */
    @Override
    public void changedAll() {}

    /** The token ids under this Basic username that have series: the token's SID, or an account's legacy tokens. */
    private List<String> seriesOf(String username) {
        List<String> tokens = new ArrayList<>(2);
        if (Sids.isTokenSid(username)) {
            if (seriesLimit.admitted(username)) {
                tokens.add(username);
            }
        } else {
            for (LegacyKind kind : LegacyKind.values()) {
                String token = kind.usageKey(username);
                if (seriesLimit.admitted(token)) {
                    tokens.add(token);
                }
            }
        }
        return tokens;
    }

    private static boolean gone(String token, String username, CachedToken current) {
        if (current instanceof CachedToken.Legacy legacy) {
            return legacy.credentials().keySet().stream()
                    .noneMatch(kind -> kind.usageKey(username).equals(token));
        }
        return current instanceof CachedToken.Unknown;
    }

    private void forget(String token) {
        counters.forgetToken(token);
        seriesLimit.forget(token);
    }
}
