-- Pipelines of an application: ordered stages (dev, staging, production) that snapshots are
-- promoted through. A stage's targets are instances of the same application; its action says
-- which snapshot it passes on to the next stage. Promotions refer to stages by id, so a stage
-- keeps its id when its pipeline is changed.
create table pipeline (
    id               text        primary key,
    organization_id  text        not null references organization (id),
    team_id          text        not null references team (id),
    application_id   text        not null references application (id),
    name             text        not null,
    created_at       timestamptz not null,
    created_by       text        not null,
    updated_at       timestamptz not null,
    updated_by       text        not null,
    unique (application_id, name),
    foreign key (team_id, organization_id) references team (id, organization_id)
);

create table pipeline_stage (
    id              text     primary key,
    pipeline_id     text     not null references pipeline (id) on delete cascade,
    -- 0 for the first stage; deferred, so a change can reorder stages in place
    position        integer  not null check (position >= 0),
    name            text     not null,
    -- which snapshot the stage passes on: a new one of its instance, its latest, or one named by
    -- whoever starts the promotion
    action          text     not null check (action in ('create_snapshot', 'use_latest', 'prompt')),
    protected       boolean  not null default false,
    -- the Camunda group whose members approve promotions into this stage;
    -- null = the team's approvers group (team-<team_id>-approvers)
    approver_group  text,
    unique (pipeline_id, position) deferrable initially deferred,
    unique (pipeline_id, name)
);

-- A deleted instance simply stops being a target of its stage.
create table pipeline_stage_instance (
    stage_id     text  not null references pipeline_stage (id) on delete cascade,
    instance_id  text  not null references instance (id) on delete cascade,
    primary key (stage_id, instance_id)
);
create index pipeline_stage_instance_instance on pipeline_stage_instance (instance_id);
