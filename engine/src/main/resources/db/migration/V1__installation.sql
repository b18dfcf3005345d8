-- Flowgate's own tables live in the schema "flowgate"; Camunda keeps its tables in "public".

-- One row: this installation, created on the first start. A second start finds it, which is
-- how an operator can tell that the data folder (or external database) was picked up again.
create table installation (
    id          uuid        primary key,
    created_at  timestamptz not null,
    version     text        not null,
    singleton   boolean     not null default true unique check (singleton)
);
