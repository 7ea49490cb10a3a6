-- PostgreSQL: the audit log and its checkpoints are append-only. A trigger refuses UPDATE and DELETE (per row) and
-- TRUNCATE (per statement) whoever asks; only a superuser who disables triggers (or sets session_replication_role)
-- gets past it, and the hash chain and signed checkpoints then show what was changed.
create function audit_refuse_change() returns trigger language plpgsql as $$
begin
    raise exception 'the audit log is append-only: % on % refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
end
$$;

create trigger audit_event_append_only before update or delete on audit_event
    for each row execute function audit_refuse_change();
create trigger audit_event_no_truncate before truncate on audit_event
    for each statement execute function audit_refuse_change();
create trigger audit_checkpoint_append_only before update or delete on audit_checkpoint
    for each row execute function audit_refuse_change();
create trigger audit_checkpoint_no_truncate before truncate on audit_checkpoint
    for each statement execute function audit_refuse_change();

revoke update, delete, truncate on audit_event, audit_checkpoint from public;

-- The node's runtime role (spring.flyway.placeholders.audit-app-role, when it exists): it may read and add audit
-- entries and checkpoints, never change them; it works the staging table and the chain head.
do $$
begin
    if exists (select 1 from pg_roles where rolname = '${auditAppRole}') then
        execute format('revoke update, delete, truncate on audit_event, audit_checkpoint from %I', '${auditAppRole}');
        execute format('grant select, insert on audit_event, audit_checkpoint to %I', '${auditAppRole}');
        execute format('grant select, insert, delete on audit_pending to %I', '${auditAppRole}');
        execute format('grant select, update on audit_chain_head to %I', '${auditAppRole}');
    end if;
end
$$;
