-- H2: the prune records are append-only; audit entries may be deleted only by the prune (AppendOnlyTrigger lets a
-- DELETE on audit_event through for an entry at or before the latest audit_pruned.up_to_seq and older than a year).
-- The node records a prune through audit_record_prune and deletes through audit_prune_range, which check what the
-- PostgreSQL functions check (V93 there); H2 has no roles to keep anyone from writing the tables directly.
create trigger audit_pruned_append_only before update, delete on audit_pruned
    for each row call 'org.passerelle.gateway.audit.AppendOnlyTrigger';
create table audit_pruned_truncate_guard (
    pruned_id bigint references audit_pruned (id)
);
create alias audit_prune_range for 'org.passerelle.gateway.audit.AppendOnlyTrigger.pruneRange';
create alias audit_record_prune for 'org.passerelle.gateway.audit.AppendOnlyTrigger.recordPrune';
