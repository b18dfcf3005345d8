-- A pipeline stage may target device groups as well as instances: a promotion into the stage
-- rolls the snapshot out to each group (device-rollout) after its instances got it.
create table pipeline_stage_device_group (
    stage_id         text not null references pipeline_stage (id) on delete cascade,
    device_group_id  text not null references device_group (id) on delete cascade,
    primary key (stage_id, device_group_id)
);
create index pipeline_stage_device_group_group on pipeline_stage_device_group (device_group_id);

-- the promotion a rollout belongs to, when a promotion started it (null: started on its own)
alter table rollout add column promotion_id text references promotion (id);
create index rollout_promotion on rollout (promotion_id);
