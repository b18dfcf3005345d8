-- Personal, short-lived logins into an instance's Node-RED editor. Node-RED asks Flowgate to check
-- them at login and on each request, so a login stops working the moment it expires, its person
-- leaves the team or (for write access) the instance enters a protected stage. One login per
-- person, instance and access: a new handout replaces the older password. Only the bcrypt hash
-- of the password is kept; it was shown once.
create table editor_login (
    instance_id   text        not null references instance (id) on delete cascade,
    username      text        not null,
    access        text        not null check (access in ('write', 'read')),
    password_hash text        not null,
    issued_at     timestamptz not null,
    expires_at    timestamptz not null,
    primary key (instance_id, username, access)
);
