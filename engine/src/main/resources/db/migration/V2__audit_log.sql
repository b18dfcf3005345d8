-- Append-only audit log. Every row carries the SHA-256 of the previous row's hash and its own
-- content, so an edited, inserted or deleted row breaks the chain from that point on.
create table audit_log (
    seq              bigint      primary key,
    occurred_at      timestamptz not null,
    actor            text        not null,
    action           text        not null,
    entity_type      text        not null,
    entity_id        text,
    organization_id  text,
    team_id          text,
    -- canonical JSON exactly as hashed (text, not jsonb: jsonb would reformat it)
    details          text        not null,
    previous_hash    char(64)    not null,
    hash             char(64)    not null unique
);

create index audit_log_team on audit_log (team_id, seq);
create index audit_log_entity on audit_log (entity_type, entity_id, seq);
create index audit_log_actor on audit_log (actor, seq);
create index audit_log_time on audit_log (occurred_at);
