-- PostgreSQL: the checkpoints partners gave this node to witness are append-only, as the audit log is (V42).
create trigger witnessed_checkpoint_append_only before update or delete on witnessed_checkpoint
    for each row execute function audit_refuse_change();
create trigger witnessed_checkpoint_no_truncate before truncate on witnessed_checkpoint
    for each statement execute function audit_refuse_change();
revoke update, delete, truncate on witnessed_checkpoint from public;
