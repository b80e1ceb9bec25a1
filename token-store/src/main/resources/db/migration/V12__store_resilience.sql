-- Usage batches already added to token_usage_daily, by id: a gateway that cannot tell whether its
-- write committed (a timeout, a shutdown cancelling it) sends the batch again with the same id, and it
-- is counted once. Kept for scopegate.retention.usage-batches (7 days), then purged.
create table usage_batches (
    batch_id   uuid        primary key,
    written_at timestamptz not null default now()
);
create index usage_batches_written_at on usage_batches (written_at);

-- Every gateway replica's heartbeat and the last token event it applied: token events are purged only
-- once every replica seen lately has applied them. A replica silent for longer than the events'
-- retention drops out (and, when it comes back, finds its cursor purged and starts afresh).
create table gateway_instances (
    instance_id      varchar(64) primary key,
    applied_event_id bigint      not null,
    started_at       timestamptz not null,
    seen_at          timestamptz not null
);

-- Retention (the admin API's StoreRetention) deletes by age in small batches: these find the oldest rows.
create index token_events_at on token_events (at);
create index token_usage_daily_day on token_usage_daily (day);
