-- H2 (the embedded default): a Java trigger refuses UPDATE and DELETE on the audit log and its checkpoints.
-- H2 fires no trigger on TRUNCATE: an empty table referencing both makes H2 refuse it (see the end of this file).
create trigger audit_event_append_only before update, delete on audit_event
    for each row call 'org.passerelle.gateway.audit.AppendOnlyTrigger';
create trigger audit_checkpoint_append_only before update, delete on audit_checkpoint
    for each row call 'org.passerelle.gateway.audit.AppendOnlyTrigger';
-- H2 truncates no table that a foreign key references: this empty table's reference makes TRUNCATE fail.
create table audit_truncate_guard (
    event_id       bigint references audit_event (id),
    checkpoint_id  bigint references audit_checkpoint (id)
);
