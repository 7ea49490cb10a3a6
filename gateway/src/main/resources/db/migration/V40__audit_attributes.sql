-- Who acted in which capacity, on what, why and for which case: the attributes access decisions are made on.
alter table audit_event add column actor_role varchar(24);
alter table audit_event add column resource varchar(200);
alter table audit_event add column purpose varchar(32);
alter table audit_event add column case_reference varchar(40);
create index audit_event_case_idx on audit_event (case_reference);
create index audit_event_actor_idx on audit_event (actor);
