-- Instance files: each instance has an area in object storage (objects under
-- instances/<instance id>/files/<path>) that its team and the instance itself read and write
-- through /api/v1/instances/{id}/files. One row per file, so listings and quota sums never list
-- the bucket. A team's file quota counts the files of all its instances.

-- Bytes of files a team may keep; null = the platform default (FLOWGATE_TEAM_FILE_QUOTA).
alter table team add column file_quota bigint check (file_quota >= 0);

create table instance_file (
    instance_id   text        not null references instance (id) on delete cascade,
    -- the path below files/, UTF-8, without empty, '.' or '..' segments
    path          text        not null,
    size          bigint      not null check (size >= 0),
    sha256        char(64)    not null,
    content_type  text        not null,
    updated_at    timestamptz not null,
    updated_by    text        not null,
    primary key (instance_id, path)
);

-- Uploads and deletes under way, one per path at a time. An upload holds room in its team's
-- quota ('reserved' bytes) while its bytes stream to storage; quota checks count these rows under
-- a lock on the team's row, so parallel uploads cannot together overshoot the quota. A row whose
-- heartbeat is older than a few minutes belongs to an engine node that died: it counts for
-- nothing and the next upload of that path takes it over.
create table instance_file_operation (
    instance_id   text        not null references instance (id) on delete cascade,
    path          text        not null,
    reserved      bigint      not null default 0 check (reserved >= 0),
    started_by    text        not null,
    started_at    timestamptz not null,
    heartbeat_at  timestamptz not null,
    primary key (instance_id, path)
);

-- The instance's own bearer token (kind 'instance', subject_id = the instance id), which its
-- container gets as FLOWGATE_FILES_TOKEN. The token row keeps only the token's hash; the
-- instance keeps the token itself sealed with the installation's secret key (SecretBox), so every
-- container it gets (after a suspend, a crash, a recreate) is given the same token again.
-- Instances made before this change get a token when their container is next created.
alter table instance add column files_token_id text references token (id);
alter table instance add column files_token text;
