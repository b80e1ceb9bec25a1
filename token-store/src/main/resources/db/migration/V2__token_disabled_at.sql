-- When a scoped token was disabled (null while enabled): enabling a token that has been off for long
-- comes with a recommendation to reset it. Tokens disabled before this migration count from their
-- last update, the best date there is for them.
alter table tokens add column disabled_at timestamptz;
update tokens set disabled_at = updated_at where state = 'DISABLED';
