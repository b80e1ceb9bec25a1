-- Per-account notification settings: notification emails one by one or as one daily digest per
-- recipient, and the account's own clean-up rules (null: the platform's; 0: off for this account).
alter table accounts
    add column email_delivery varchar(16) not null default 'EACH' check (email_delivery in ('EACH', 'DAILY_DIGEST')),
    add column auto_disable_unused_days integer check (auto_disable_unused_days >= 0),
    add column auto_disable_unrotated_days integer check (auto_disable_unrotated_days >= 0);

-- Refused requests per token and minute, written by the gateways with their usage; the elected
-- admin API replica reads the last ten minutes to tell a token's contacts that it is being refused
-- (token.denial_spike: it probably lacks a scope), and deletes what is older than an hour.
create table token_denials_recent (
    token_sid   varchar(80) not null,
    account_sid varchar(64) not null,
    minute      timestamptz not null,
    api_id      varchar(64) not null,
    method      varchar(16) not null,
    outcome     varchar(32) not null,
    requests    bigint      not null,
    primary key (token_sid, minute, api_id, method, outcome)
);
create index token_denials_recent_minute on token_denials_recent (minute);
