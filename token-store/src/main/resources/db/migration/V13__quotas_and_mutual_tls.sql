-- Issue 16: quotas in addition to rates, and mutual TLS.
-- A token's quota: requests per UTC day and per UTC calendar month, counted cluster-wide by the
-- gateways (the rate-limit backend). Either may be set alone; null means no such quota.
alter table tokens
    add column quota_per_day   integer check (quota_per_day > 0),
    add column quota_per_month integer check (quota_per_month > 0),
    -- The subject (an X.500 name, RFC 4514 form) of the client certificate bound to the token: when
    -- set, the token works only over TLS with a verified client certificate of exactly this subject.
    add column client_certificate_subject varchar(1024);

-- An API that requires mutual TLS: every call must come with a verified client certificate whose
-- subject is bound to the calling token. Off for every existing API.
alter table apis
    add column mutual_tls boolean not null default false;
