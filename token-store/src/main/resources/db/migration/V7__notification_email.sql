-- Each notification is also mailed to the people it concerns, once: emailed_at marks it done.
alter table notification_outbox add column emailed_at timestamptz;
create index notification_outbox_unmailed on notification_outbox (id) where emailed_at is null;
