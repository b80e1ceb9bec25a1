-- Who an account's tokens reach: its technical and owner contacts, and its admin users' emails
-- (candidates for a token's primary contact). An email belongs to one admin user.
alter table accounts add column technical_contact varchar(254), add column owner_contact varchar(254);
alter table admin_users add column email varchar(254);
create unique index admin_users_email on admin_users (lower(email));
