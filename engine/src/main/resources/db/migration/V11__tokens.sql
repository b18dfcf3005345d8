-- Bearer tokens of every kind. Only the SHA-256 of a token is stored; the token itself is shown
-- once, when it is made. 'api' tokens belong to a team and carry a team role; later issues add
-- 'device' tokens (device API only) and 'instance' tokens (own files only), whose subject_id
-- names the device or instance.
create table token (
    id               text        primary key,
    kind             text        not null check (kind in ('api', 'device', 'instance')),
    name             text        not null,
    hash             char(64)    not null unique,
    organization_id  text        not null references organization (id),
    team_id          text        references team (id),
    role             text        check (role in ('owner', 'member', 'viewer')),
    subject_id       text,
    created_at       timestamptz not null,
    created_by       text        not null,
    expires_at       timestamptz,
    revoked_at       timestamptz,
    revoked_by       text,
    last_used_at     timestamptz,
    check (kind <> 'api' or (team_id is not null and role is not null and expires_at is not null))
);
create index token_team on token (team_id, created_at);
