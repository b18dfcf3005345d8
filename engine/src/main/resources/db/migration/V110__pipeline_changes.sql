-- Changes that weaken a bound protected stage (unprotect, another approver group, targets leaving
-- or joining, a stage after it, its removal, the pipeline's deletion) wait here for the approvals a
-- promotion into that stage needs. The requested pipeline (validated) and the pipeline's
-- updated_at at request time are kept: the change is applied only to the pipeline it was approved
-- for. Approvals are written only by the engine-side listener on the approval task.
create table pipeline_change (
    id                    text        primary key,
    organization_id       text        not null references organization (id),
    team_id               text        not null references team (id),
    -- no foreign key: the record outlives the pipeline a change deletes
    pipeline_id           text        not null,
    pipeline_name         text        not null,
    kind                  text        not null check (kind in ('change', 'delete')),
    -- the pipeline as it will be (name and stages with their targets); null for a deletion
    requested             jsonb,
    pipeline_updated_at   timestamptz not null,
    weakenings            jsonb       not null,
    stage_id              text        not null,
    stage_name            text        not null,
    approvals_required    integer     not null check (approvals_required between 1 and 2),
    approver_group        text        not null,
    expires_at            timestamptz not null,
    requested_by          text        not null,
    requested_via         text,
    requested_at          timestamptz not null,
    state                 text        not null check (state in ('awaiting-approval', 'applied',
                              'rejected', 'expired', 'failed')),
    state_reason          text,
    process_instance_id   text        unique,
    finished_at           timestamptz,
    foreign key (team_id, organization_id) references team (id, organization_id)
);
create index pipeline_change_pipeline on pipeline_change (pipeline_id, requested_at desc);
-- one open change per pipeline
create unique index pipeline_change_open on pipeline_change (pipeline_id)
    where state = 'awaiting-approval';

create table pipeline_change_approval (
    change_id    text        not null references pipeline_change (id),
    approver     text        not null,
    decision     text        not null check (decision in ('approve', 'reject')),
    comment      text,
    task_id      text        not null,
    decided_at   timestamptz not null,
    primary key (change_id, approver)
);
