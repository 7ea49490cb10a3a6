-- H2: the checkpoints partners gave this node to witness are append-only, as the audit log is (V42).
create trigger witnessed_checkpoint_append_only before update, delete on witnessed_checkpoint
    for each row call 'org.passerelle.gateway.audit.AppendOnlyTrigger';
create table witnessed_truncate_guard (
    witnessed_id bigint references witnessed_checkpoint (id)
);
