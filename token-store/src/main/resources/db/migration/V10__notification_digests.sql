-- Each daily digest per account, recipient and digest time: sent once, or given up on after a few
-- failed attempts, however the other recipients of that account's digest fare.
create table notification_digests (
    account_sid varchar(64)  not null,
    recipient   varchar(254) not null,
    digest_at   timestamptz  not null,
    sent        boolean      not null default false,
    attempts    integer      not null default 0,
    updated_at  timestamptz  not null,
    primary key (account_sid, recipient, digest_at)
);
