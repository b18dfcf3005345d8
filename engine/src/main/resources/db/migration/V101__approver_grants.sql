-- Approver rights are granted with a record of who granted them and since when: a promotion
-- requested before the grant cannot be approved with it, and the promotion shows who made each
-- approver one. An organization may require that a second admin confirm each grant; until then
-- the grant is pending (approver stays false).
alter table team_member
    add column approver_since        timestamptz,
    add column approver_granted_by   text,
    add column approver_confirmed_by text,
    add column approver_requested_by text,
    add column approver_requested_at timestamptz;

-- approvers from before: approver since they joined, granted by whoever made the team then
update team_member set approver_since = created_at, approver_granted_by = 'unknown' where approver;

alter table team_member add constraint team_member_approver_since
    check (not approver or approver_since is not null);

alter table organization
    add column approver_grants_need_two_admins boolean not null default false;
