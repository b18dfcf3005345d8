-- An emergency rollback is a promotion of its own kind: one instance of a protected stage back to
-- the last snapshot a completed promotion brought it, with one approver other than the requester
-- (the approval-policy table says so), audited as such.
alter table promotion add column kind text not null default 'promotion'
    check (kind in ('promotion', 'emergency-rollback'));
