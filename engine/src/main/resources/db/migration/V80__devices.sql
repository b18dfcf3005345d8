-- Edge devices running the FlowFuse device agent, device groups of an application, and
-- provisioning tokens. See device-protocol.md for what the agents send and get.

-- Provisioning tokens: a team's devices register themselves with one (POST /api/v1/devices).
-- subject_id names the application the devices join, or is null. Device tokens (kind 'device')
-- have subject_id = the device.
alter table token drop constraint token_kind_check;
alter table token add constraint token_kind_check
    check (kind in ('api', 'device', 'instance', 'provisioning'));
-- the device API's token cache looks for revocations every second
create index token_revoked on token (revoked_at) where revoked_at is not null;

-- A group of devices of one application: the unit a rollout targets. Its env (a JSON list of
-- {name, value}) goes into the settings of each member; a device's own env overrides it.
create table device_group (
    id               text        primary key,
    organization_id  text        not null,
    team_id          text        not null,
    application_id   text        not null references application (id),
    name             text        not null,
    env              text        not null default '[]',
    created_at       timestamptz not null,
    created_by       text        not null,
    updated_at       timestamptz not null,
    updated_by       text        not null,
    foreign key (team_id, organization_id) references team (id, organization_id)
);
create unique index device_group_name on device_group (application_id, lower(name));

create table device (
    id                   text        primary key,
    organization_id      text        not null,
    team_id              text        not null,
    -- null: not (yet) in an application; such a device gets no snapshot
    application_id       text        references application (id),
    -- at most one group, of the device's application
    group_id             text        references device_group (id) on delete set null,
    name                 text        not null,
    type                 text        not null,
    token_id             text        not null references token (id),
    -- the key the agent decrypts flow credentials with, sealed with the installation's key
    -- (SecretBox): snapshots are re-encrypted for it when the device fetches them
    credential_secret    text        not null,
    -- the device's own settings: env (JSON list of {name, value}) and a Node-RED version pin
    env                  text        not null default '[]',
    node_red_version     text,
    -- what the device should run: the target snapshot and the hash of its effective settings
    target_snapshot_id   text        references snapshot (id),
    settings_hash        char(64)    not null,
    -- when anything heartbeats are answered from changed (target, settings, name, application):
    -- engine nodes refresh their in-memory copy of the devices changed since they last looked
    live_changed_at      timestamptz not null,
    created_at           timestamptz not null,
    created_by           text        not null,
    -- what the device reported in its latest heartbeat (written in batches, about once a second)
    state                text,
    last_seen_at         timestamptz,
    reported_snapshot_id text,
    reported_settings    text,
    reported_application text,
    agent_version        text,
    reported_node_red_version text,
    nodejs_version       text,
    restart_count        integer,
    uptime_seconds       bigint,
    -- consecutive heartbeats with the same snapshot, settings and state and no new restart
    stable_heartbeats    integer     not null default 0,
    -- since when the device reports this snapshot and state
    state_since          timestamptz,
    foreign key (team_id, organization_id) references team (id, organization_id)
);
-- a team's devices by name, page by page (keyset)
create index device_team_name on device (team_id, lower(name), id);
create index device_application on device (application_id);
create index device_group_member on device (group_id);
create index device_live_changed on device (live_changed_at);
create index device_target_snapshot on device (target_snapshot_id);
