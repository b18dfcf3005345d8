-- The audit log is append-only for everyone who uses the database normally, the application
-- included: UPDATE, DELETE and TRUNCATE are refused by a trigger, so no code path (a bug, an
-- injected statement, a well-meant "cleanup") can rewrite history.
--
-- This is a guard rail, not a proof. The table owner or a superuser can still
-- "alter table ... disable trigger" (or drop it); that is why every row is hash-chained and GET /api/v1/audit/verify recomputes the chain. Deployments that want more
-- can let the application connect as a role that has only SELECT and INSERT on this table.

-- An integrity violation (SQLSTATE class 23), so Spring reports it as a
-- DataIntegrityViolationException carrying this message rather than as "bad SQL grammar".
create function audit_log_refuse_change() returns trigger
    language plpgsql
as $$
begin
    raise exception 'flowgate.audit_log is append-only: % is not allowed', tg_op
        using errcode = 'integrity_constraint_violation',
              hint = 'Audit entries are never changed or removed; record a new entry instead.';
end;
$$;

-- Statement level: refuses the statement itself, even one that would touch no row, and is the only
-- level at which TRUNCATE can be caught.
create trigger audit_log_append_only
    before update or delete or truncate on audit_log
    for each statement
    execute function audit_log_refuse_change();

-- Fires in every session_replication_role, so "set session_replication_role = replica" (which
-- silences ordinary triggers) does not open the table either. Whoever disables it for maintenance
-- must turn it back on with "enable always trigger": a plain "enable trigger" downgrades it.
alter table audit_log enable always trigger audit_log_append_only;
