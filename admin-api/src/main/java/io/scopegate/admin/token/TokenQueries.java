package io.scopegate.admin.token;

import io.scopegate.admin.error.ApiProblem;
import java.time.Clock;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Read access to an account's tokens for other features (usage reports); no writes. */
@Component
public class TokenQueries {

    private final TokenRepository tokens;
    private final Clock clock;

    TokenQueries(TokenRepository tokens, Clock clock) {
        this.tokens = tokens;
        this.clock = clock;
    }

    public Mono<TokenRecord> require(String account, String sid) {
        return tokens.find(account, sid)
                .switchIfEmpty(Mono.defer(
                        () -> Mono.error(ApiProblem.notFound("No token " + sid + " in account " + account))));
    }

    public Flux<TokenRecord> all(String account) {
        return tokens.list(account, TokenListQuery.ALL, clock.instant());
    }
}
