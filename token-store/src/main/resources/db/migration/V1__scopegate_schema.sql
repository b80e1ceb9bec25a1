-- Scopegate store, version 1. Written by admin-api (which runs Flyway); read by the gateway.
-- Secrets are never stored in plain text: secret_hash is HMAC-SHA-256 under a server key,
-- secret_ciphertext is AES-256-GCM (only while scopegate.credentials.retrievable=true).

create table accounts (
    sid            varchar(64)  primary key,
    name           varchar(200) not null,
    legacy_enabled boolean      not null default false,
    created_at     timestamptz  not null,
    updated_at     timestamptz  not null
);

create table admin_users (
    username      varchar(64)  primary key,
    password_hash varchar(255) not null,
    role          varchar(32)  not null check (role in ('OPERATOR', 'ACCOUNT_ADMIN', 'IMPLEMENTATION_SPECIALIST')),
    account_sid   varchar(64)  references accounts (sid) on delete cascade,
    created_at    timestamptz  not null,
    updated_at    timestamptz  not null,
    -- operators belong to the platform; every other role belongs to exactly one account
    constraint admin_users_role_account check ((role = 'OPERATOR') = (account_sid is null))
);

create table apis (
    id             varchar(64)   primary key,
    name           varchar(200)  not null,
    paths          text[]        not null,
    methods        text[]        not null,
    upstream_url   varchar(2048) not null,
    latest_version integer       not null check (latest_version > 0),
    created_at     timestamptz   not null,
    updated_at     timestamptz   not null
);

create table tokens (
    sid                         varchar(34)  primary key,
    account_sid                 varchar(64)  not null references accounts (sid) on delete cascade,
    name                        varchar(100) not null,
    description                 varchar(1000),
    primary_contact             varchar(254),
    developer_emails            text[]       not null default '{}',
    api_version                 integer      not null check (api_version > 0),
    state                       varchar(16)  not null check (state in ('ENABLED', 'DISABLED')),
    secret_hash                 bytea        not null,
    secret_ciphertext           bytea,
    previous_secret_hash        bytea,
    previous_secret_valid_until timestamptz,
    expires_at                  timestamptz,
    allowed_ips                 text[],
    rate_limit_rps              integer check (rate_limit_rps > 0),
    rate_limit_burst            integer check (rate_limit_burst > 0),
    created_at                  timestamptz  not null,
    updated_at                  timestamptz  not null,
    credentials_rotated_at      timestamptz  not null,
    last_used_at                timestamptz,
    constraint tokens_rate_limit_pair check ((rate_limit_rps is null) = (rate_limit_burst is null))
);
create index tokens_account_state on tokens (account_sid, state);

create table token_scopes (
    token_sid varchar(34) not null references tokens (sid) on delete cascade,
    api_id    varchar(64) not null references apis (id),
    method    varchar(16) not null,
    primary key (token_sid, api_id, method)
);
create index token_scopes_api on token_scopes (api_id);

-- The two legacy credentials of an account; their Basic username is the account SID.
create table legacy_tokens (
    account_sid                 varchar(64) not null references accounts (sid) on delete cascade,
    kind                        varchar(16) not null check (kind in ('READ_WRITE', 'READ_ONLY')),
    api_version                 integer     not null check (api_version > 0),
    secret_hash                 bytea       not null,
    secret_ciphertext           bytea,
    previous_secret_hash        bytea,
    previous_secret_valid_until timestamptz,
    created_at                  timestamptz not null,
    updated_at                  timestamptz not null,
    credentials_rotated_at      timestamptz not null,
    last_used_at                timestamptz,
    primary key (account_sid, kind)
);

-- One row per change the gateway must see. The id only grows: the gateway keeps it as its catch-up
-- cursor, and NOTIFY scopegate_events carries it for speed.
create table token_events (
    id          bigserial   primary key,
    at          timestamptz not null,
    kind        varchar(32) not null,
    account_sid varchar(64),
    token_sid   varchar(64),
    api_id      varchar(64)
);

create table audit_events (
    id          bigserial    primary key,
    at          timestamptz  not null,
    actor       varchar(64)  not null,
    action      varchar(48)  not null,
    account_sid varchar(64),
    token_sid   varchar(64),
    source_ip   varchar(64),
    details     jsonb        not null default '{}'
);
create index audit_events_account on audit_events (account_sid, id desc);

-- Daily usage aggregates, flushed by the gateway in batches.
create table token_usage_daily (
    token_sid    varchar(64) not null,
    account_sid  varchar(64) not null,
    day          date        not null,
    api_id       varchar(64) not null,
    method       varchar(16) not null,
    outcome      varchar(32) not null,
    requests     bigint      not null default 0,
    last_used_at timestamptz not null,
    primary key (token_sid, day, api_id, method, outcome)
);
create index token_usage_daily_account on token_usage_daily (account_sid, day);
