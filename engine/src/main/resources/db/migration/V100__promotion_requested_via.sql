-- A promotion requested with an API token counts as requested by the person who created the
-- token (who therefore cannot approve it); the token is kept beside, as the route it came by.
alter table promotion add column requested_via text;

update promotion p
   set requested_via = p.requested_by,
       requested_by = t.created_by
  from token t
 where p.requested_by = 'token:' || t.id;
