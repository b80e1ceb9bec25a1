package io.scopegate.admin.propagation;

import io.scopegate.store.event.Acknowledgement;
import io.scopegate.store.event.StoreListener;
import org.springframework.boot.r2dbc.autoconfigure.R2dbcProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Sinks;

/**
 * {@code LISTEN scopegate_acks}: each gateway replica NOTIFYs there whenever it has applied token
 * events up to a new id. A hot stream: a wait subscribes before it reads the replicas' rows, so an
 * acknowledgement is either in a row it reads or heard after.
 */
@Component
class GatewayAcknowledgements implements SmartLifecycle {

    private final StoreListener listener;
    private final Sinks.Many<Acknowledgement> heard = Sinks.many().multicast().directBestEffort();
    private volatile Disposable listening;

    GatewayAcknowledgements(R2dbcProperties properties) {
        this.listener = new StoreListener(
                properties.getUrl(), properties.getUsername(), properties.getPassword(), Acknowledgement.CHANNEL);
    }

    Flux<Acknowledgement> heard() {
        return heard.asFlux();
    }

    boolean listening() {
        return listener.listening();
    }

    @Override
    public void start() {
        // Notifications arrive one at a time on the listening connection: the emissions never race.
        listening = listener.notifications()
                .flatMapIterable(
                        payload -> Acknowledgement.parse(payload).stream().toList())
                .subscribe(heard::tryEmitNext);
    }

    @Override
    public void stop() {
        Disposable running = listening;
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        Disposable running = listening;
        return running != null && !running.isDisposed();
    }
}
