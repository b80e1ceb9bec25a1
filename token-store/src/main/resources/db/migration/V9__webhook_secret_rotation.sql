-- Webhook signing secrets are kept encrypted (AES-256-GCM under a key derived from the server's HMAC
-- key) instead of as they are, and can be rotated: for a while after a rotation deliveries are signed
-- with the new and the previous secret, so receivers can switch without missing one. The admin API
-- encrypts the secrets written before this version when it starts.
alter table webhook_endpoints
    alter column secret drop not null,
    add column secret_ciphertext bytea,
    add column previous_secret_ciphertext bytea,
    add column previous_secret_valid_until timestamptz;
