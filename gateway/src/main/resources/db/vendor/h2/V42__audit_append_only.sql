-- H2 (the embedded default): a Java trigger refuses UPDATE and DELETE on the audit log and its checkpoints.
-- (H2 fires no trigger on TRUNCATE; the hash chain and the signed checkpoints still show one.)
create trigger audit_event_append_only before update, delete on audit_event
    for each row call 'org.passerelle.gateway.audit.AppendOnlyTrigger';
create trigger audit_checkpoint_append_only before update, delete on audit_checkpoint
    for each row call 'org.passerelle.gateway.audit.AppendOnlyTrigger';
