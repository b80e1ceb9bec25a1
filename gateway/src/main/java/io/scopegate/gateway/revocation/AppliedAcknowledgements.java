package io.scopegate.gateway.revocation;

import io.scopegate.gateway.GatewaySettings;
import io.scopegate.store.lifecycle.RepeatingWork;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tells the store each time the sync's cursor moves that this replica applied the events up to it:
 * an admin call that revoked a token waits for every live replica's word before it answers. Cursor
 * moves during a report collapse into one more report of the latest (the loop runs one at a time).
 */
@Component
class AppliedAcknowledgements extends RepeatingWork {

    private final StoreSync sync;
    private final GatewayInstance instance;
    private final GatewaySettings settings;

    AppliedAcknowledgements(StoreSync sync, GatewayInstance instance, GatewaySettings settings) {
        this.sync = sync;
        this.instance = instance;
        this.settings = settings;
    }

    @Override
    protected Flux<?> triggers() {
        return sync.advances();
    }

    @Override
    protected Mono<Void> runOnce() {
        return instance.report(sync.cursor()).timeout(settings.storeTimeout());
    }
}
