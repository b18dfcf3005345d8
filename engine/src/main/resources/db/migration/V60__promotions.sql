-- Promotions of snapshots from one pipeline stage to the next, and the record of who approved
-- what. The names of the pipeline and its stages are copied: the record outlives changes to the
-- pipeline, and it is what an auditor reads. Approvals are written only by the engine-side
-- listener on the approval task (never taken from process variables); the deploy re-checks them.
create table promotion (
    id                     text        primary key,
    organization_id        text        not null references organization (id),
    team_id                text        not null references team (id),
    pipeline_id            text        not null,
    pipeline_name          text        not null,
    source_stage_id        text        not null,
    source_stage_name      text        not null,
    target_stage_id        text        not null,
    target_stage_name      text        not null,
    target_protected       boolean     not null,
    target_final           boolean     not null,
    -- the approver group of the target stage when the promotion was requested
    stage_approver_group   text        not null,
    -- the snapshot the requester named (action prompt), and the one resolved
    requested_snapshot_id  text        references snapshot (id),
    snapshot_id            text        references snapshot (id),
    snapshot_hash          char(64),
    change_count           integer,
    diff_summary           text,
    requested_by           text        not null,
    requested_at           timestamptz not null,
    request_comment        text,
    callback_url           text,
    state                  text        not null check (state in ('resolving', 'awaiting-approval',
                               'deploying', 'completed', 'rejected', 'expired', 'rolled-back',
                               'failed')),
    state_reason           text,
    approvals_required     integer     check (approvals_required between 0 and 2),
    approver_group         text,
    expires_at             timestamptz,
    process_instance_id    text        unique,
    finished_at            timestamptz,
    foreign key (team_id, organization_id) references team (id, organization_id)
);
create index promotion_pipeline on promotion (pipeline_id, requested_at desc);
-- one promotion at a time into a stage
create unique index promotion_active_target on promotion (target_stage_id)
    where state in ('resolving', 'awaiting-approval', 'deploying');

create table promotion_approval (
    promotion_id   text        not null references promotion (id),
    approver       text        not null,
    decision       text        not null check (decision in ('approve', 'reject')),
    comment        text,
    snapshot_hash  char(64)    not null,
    task_id        text        not null,
    decided_at     timestamptz not null,
    primary key (promotion_id, approver)
);

-- The instances a promotion deploys to, with the backup each got and how far it came.
create table promotion_target (
    promotion_id        text     not null references promotion (id),
    instance_id         text     not null,
    instance_name       text     not null,
    position            integer  not null,
    backup_snapshot_id  text     references snapshot (id),
    state               text     not null check (state in ('pending', 'backed-up', 'deployed',
                            'verified', 'restored')),
    reason              text,
    primary key (promotion_id, instance_id)
);
