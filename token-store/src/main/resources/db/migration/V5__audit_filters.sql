-- The operators' audit list filters by time, actor and action across every account, newest first,
-- and the NDJSON export reads a time range: without these, each of those is a scan of the whole log.
create index audit_events_at on audit_events (at);
create index audit_events_actor on audit_events (actor, id desc);
create index audit_events_action on audit_events (action, id desc);
