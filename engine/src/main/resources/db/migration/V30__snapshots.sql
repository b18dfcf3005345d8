-- Snapshots of instances. The content (flows, credentials, runtime settings, env, modules) is
-- one immutable object in object storage at snapshots/<sha256>.json, addressed by the SHA-256 of
-- its canonical JSON; equal content is stored once. A row is written only after its content is
-- stored, so a snapshot is never visible half made. Snapshots outlive the instance they were
-- taken of (promotions and devices may still need them), hence no foreign key on instance_id.
create table snapshot (
    id                text        primary key,
    organization_id   text        not null references organization (id),
    team_id           text        not null references team (id),
    application_id    text        not null references application (id),
    instance_id       text,
    name              text        not null,
    description       text,
    -- manual: asked for; auto: taken before a deploy; import: from an export file
    kind              text        not null check (kind in ('manual', 'auto', 'import')),
    hash              char(64)    not null,
    size_bytes        bigint      not null,
    node_count        integer     not null,
    node_red_version  text,
    created_at        timestamptz not null,
    created_by        text        not null,
    -- the process that took an automatic snapshot: a repeated step finds it instead of taking two
    process_instance_id text      unique,
    foreign key (team_id, organization_id) references team (id, organization_id)
);
create index snapshot_instance on snapshot (instance_id, created_at desc);
create index snapshot_hash on snapshot (hash);

-- Node-RED runtime settings Flowgate manages for an instance (JSON; see NodeRedSettings) and the
-- snapshot it runs (the last one deployed to it; null while it runs flows of its own).
alter table instance add column settings text not null default '{}';
alter table instance add column snapshot_id text references snapshot (id);
