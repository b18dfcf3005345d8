-- Rollouts of a snapshot to the devices of a group, in waves. The devices of each wave and what
-- became of them are rows (never process variables); the process keeps only counts.
create table rollout (
    id                  text        primary key,
    organization_id     text        not null references organization (id),
    team_id             text        not null references team (id),
    application_id      text        not null references application (id),
    device_group_id     text        not null,
    device_group_name   text        not null,
    snapshot_id         text        not null references snapshot (id),
    canary              integer,
    waves               text        not null,
    success_threshold   integer     not null,
    error_threshold     integer     not null,
    min_finished        integer     not null,
    wave_timeout        text        not null,
    wait_between_waves  text        not null,
    manual_gate         boolean     not null,
    auto_rollback       boolean     not null,
    callback_url        text,
    -- devices per wave, as planned when the rollout started (JSON array)
    plan                text,
    current_wave        integer     not null default 0,
    wave_started_at     timestamptz,
    rollback_started_at timestamptz,
    state               text        not null check (state in ('running', 'paused', 'awaiting-gate',
                            'completed', 'aborted', 'rolled-back')),
    state_reason        text,
    requested_by        text        not null,
    requested_at        timestamptz not null,
    process_instance_id text        unique,
    finished_at         timestamptz,
    foreign key (team_id, organization_id) references team (id, organization_id)
);
create index rollout_group on rollout (device_group_id, requested_at desc);

create table rollout_device (
    rollout_id            text     not null references rollout (id),
    device_id             text     not null,
    wave                  integer  not null,
    -- the target the device had before: a rollback sets it again (null: none)
    previous_snapshot_id  text,
    outcome               text     not null default 'pending' check (outcome in ('pending',
                              'succeeded', 'failed', 'timed-out')),
    rolled_back           boolean  not null default false,
    primary key (rollout_id, device_id)
);
create index rollout_device_wave on rollout_device (rollout_id, wave);
