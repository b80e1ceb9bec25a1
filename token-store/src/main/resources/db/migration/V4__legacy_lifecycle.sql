-- Legacy tokens get the scoped tokens' lifecycle: each can be disabled (and enabled again) on its
-- own; the gateway refuses a disabled one. disabled_at dates the advice to reset on enable.
alter table legacy_tokens
    add column state varchar(16) not null default 'ENABLED' check (state in ('ENABLED', 'DISABLED')),
    add column disabled_at timestamptz;

-- Usage rows of legacy tokens are keyed '<accountSid>:READ_WRITE': up to 64 + 11 characters, more
-- than the 64 a token SID needs. Such rows could not be written for long account SIDs.
alter table token_usage_daily alter column token_sid type varchar(80);
