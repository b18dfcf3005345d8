-- Organizations, teams, applications and who belongs where. An organization is a Camunda
-- tenant (same id); users live in Camunda's identity tables and are referred to by user name.
-- Flowgate's rows are what its access checks read; the Camunda groups mirror them so that
-- Camunda's own authorization (Tasklist, Cockpit, /engine-rest) follows the same roles.

create table organization (
    id          text        primary key,
    name        text        not null,
    created_at  timestamptz not null,
    created_by  text        not null
);
create unique index organization_name on organization (lower(name));

-- A user belongs to one organization, as admin or member.
create table organization_member (
    organization_id  text        not null references organization (id),
    username         text        not null unique,
    role             text        not null check (role in ('admin', 'member')),
    created_at       timestamptz not null,
    primary key (organization_id, username)
);

create table team (
    id               text        primary key,
    organization_id  text        not null references organization (id),
    name             text        not null,
    slug             text        not null,
    created_at       timestamptz not null,
    created_by       text        not null,
    unique (organization_id, slug),
    -- lets team_member refer to (team, organization) together
    unique (id, organization_id)
);

-- Team members are always members of the team's organization (composite foreign keys).
create table team_member (
    team_id          text        not null,
    organization_id  text        not null,
    username         text        not null,
    role             text        not null check (role in ('owner', 'member', 'viewer')),
    approver         boolean     not null default false,
    created_at       timestamptz not null,
    updated_at       timestamptz not null,
    primary key (team_id, username),
    foreign key (team_id, organization_id) references team (id, organization_id),
    foreign key (organization_id, username) references organization_member (organization_id, username)
);
create index team_member_user on team_member (username);

create table application (
    id           text        primary key,
    team_id      text        not null references team (id),
    name         text        not null,
    description  text,
    created_at   timestamptz not null,
    created_by   text        not null
);
create unique index application_name on application (team_id, lower(name));
