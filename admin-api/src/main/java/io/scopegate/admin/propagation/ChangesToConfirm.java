package io.scopegate.admin.propagation;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import reactor.core.publisher.Mono;

/**
 * The changes one admin call made that every gateway replica must apply: the last token event (a
 * replica that applied it applied the earlier ones too) and the audit records that are to keep what
 * the wait found. Travels in the call's Reactor context from {@link PropagationFilter} to the change
 * log, which adds to it inside the transaction; read once the call's answer is ready.
 */
public final class ChangesToConfirm {

    private long lastEventId = -1;
    private final List<Long> auditIds = new ArrayList<>();

    /**
     * Within a call, notes changes to confirm before the call answers: their audit records and the
     * last of their events. Outside one (scheduled work), nothing. A retried transaction notes its
     * changes again: the rolled-back attempt's event id is lower and its audit ids name no row.
     */
    public static Mono<Void> expect(List<Long> auditIds, long lastEventId) {
        return Mono.deferContextual(context -> {
            context.<ChangesToConfirm>getOrEmpty(ChangesToConfirm.class)
                    .ifPresent(changes -> changes.add(auditIds, lastEventId));
            return Mono.empty();
        });
    }

    synchronized void add(List<Long> newAuditIds, long eventId) {
        lastEventId = Math.max(lastEventId, eventId);
        auditIds.addAll(newAuditIds);
    }

    synchronized OptionalLong lastEventId() {
        return lastEventId < 0 ? OptionalLong.empty() : OptionalLong.of(lastEventId);
    }

    synchronized List<Long> auditIds() {
        return List.copyOf(auditIds);
    }
}
