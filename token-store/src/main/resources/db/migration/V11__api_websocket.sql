-- Issue 14: a WebSocket tunnel through the gateway outlives the checks of its handshake, so the
-- gateway refuses upgrades unless the API opts in. Off for every existing API.
alter table apis
    add column websocket boolean not null default false;
