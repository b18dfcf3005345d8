-- Hosted Node-RED instances. A row exists from the provisioning request until the deletion
-- process has removed the container, the stored objects and the port; after that only the
-- audit log remembers the instance. Secrets (Node-RED's credential secret, the editor
-- password, secret env values) are encrypted with the installation's secret key (SecretBox).

-- How many instances a team may have; null = the platform default (FLOWGATE_TEAM_INSTANCE_QUOTA).
alter table team add column instance_quota integer check (instance_quota >= 0);

create table instance (
    id                        text        primary key,
    organization_id           text        not null references organization (id),
    team_id                   text        not null references team (id),
    application_id            text        not null references application (id),
    name                      text        not null,
    runtime                   text        not null,
    stack                     text        not null,
    nano_cpus                 bigint,
    memory_bytes              bigint,
    restart_policy            text        not null check (restart_policy in ('never', 'on-failure', 'always')),
    -- the reserved host port; null once released
    port                      integer     unique,
    container_name            text        not null unique,
    url                       text,
    state                     text        not null check (state in ('provisioning', 'starting',
                                  'running', 'stopping', 'stopped', 'suspended', 'crashed',
                                  'failed', 'deleting')),
    state_reason              text,
    state_changed_at          timestamptz not null,
    -- kept after the instance runs again, so a team sees why it last crashed or failed
    last_failure_reason       text,
    last_failure_at           timestamptz,
    credential_secret         text        not null,
    editor_user               text        not null,
    editor_password           text        not null,
    editor_password_hash      text        not null,
    initial_flows             text,
    -- the process now working on the instance (provisioning, an action or deletion), if any
    operation                 text,
    operation_process_id      text,
    restarts                  integer     not null default 0,
    last_restart_at           timestamptz,
    created_at                timestamptz not null,
    created_by                text        not null,
    unique (team_id, name),
    foreign key (team_id, organization_id) references team (id, organization_id)
);
create index instance_state on instance (state);

-- Environment variables of an instance, in the order given; secret values are encrypted.
create table instance_env (
    instance_id  text     not null references instance (id) on delete cascade,
    position     integer  not null,
    name         text     not null,
    value        text     not null,
    secret       boolean  not null,
    primary key (instance_id, name)
);

-- The key a team's callback receivers check signatures with (X-Flowgate-Signature), encrypted.
create table team_callback_secret (
    team_id     text        primary key references team (id),
    secret      text        not null,
    created_at  timestamptz not null
);
