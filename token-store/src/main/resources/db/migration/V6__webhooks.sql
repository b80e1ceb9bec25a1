-- Notifications: the outbox a change writes in its own transaction (so a committed change is never
-- left untold and a rolled-back one never told), the accounts' webhook endpoints, and each delivery
-- with its retries. Only the elected admin API replica dispatches and delivers.
create table notification_outbox (
    id            bigserial    primary key,
    account_sid   varchar(64)  not null,
    type          varchar(48)  not null,
    -- "once per (token, event, window)" for scheduled events; null for changes (each is its own event)
    dedupe_key    varchar(200) unique,
    data          jsonb        not null,
    created_at    timestamptz  not null,
    dispatched_at timestamptz
);
create index notification_outbox_pending on notification_outbox (id) where dispatched_at is null;

create table webhook_endpoints (
    id          varchar(40)   primary key,
    account_sid varchar(64)   not null references accounts (sid) on delete cascade,
    url         varchar(2048) not null,
    events      text[]        not null,
    -- The signing key (whsec_<base64>): it must be usable to sign, as HMAC keys are; guard the
    -- database as the credentials' keys are guarded.
    secret      varchar(100)  not null,
    created_at  timestamptz   not null,
    updated_at  timestamptz   not null
);
create index webhook_endpoints_account on webhook_endpoints (account_sid);

create table webhook_deliveries (
    id                   varchar(40) primary key,
    endpoint_id          varchar(40) not null references webhook_endpoints (id) on delete cascade,
    outbox_id            bigint      references notification_outbox (id) on delete set null,
    type                 varchar(48) not null,
    payload              text        not null,
    status               varchar(16) not null check (status in ('PENDING', 'SUCCEEDED', 'FAILED')),
    attempts             integer     not null default 0,
    next_attempt_at      timestamptz,
    last_response_status integer,
    last_error           varchar(500),
    created_at           timestamptz not null,
    updated_at           timestamptz not null,
    unique (endpoint_id, outbox_id)
);
create index webhook_deliveries_due on webhook_deliveries (next_attempt_at) where status = 'PENDING';
create index webhook_deliveries_endpoint on webhook_deliveries (endpoint_id, created_at desc);
