-- PostgreSQL: the audit log's retention (issue 16). The runtime role still may not DELETE from audit_event (afterMigrate
-- gives it SELECT and INSERT only, since audit_refuse_change still guards UPDATE and TRUNCATE). It prunes by calling
-- audit_prune_range, which runs as the schema owner; a DELETE, by whoever, passes the row trigger only for an entry at
-- or before the latest prune record and older than a year. So whoever holds the runtime role can remove nothing the
-- retention would not remove, and only from the chain's start, where the signed checkpoint and the frontier kept in
-- audit_pruned let the chain verify on.
create function audit_delete_pruned_only() returns trigger language plpgsql as $$
begin
    if old.seq <= coalesce((select max(up_to_seq) from audit_pruned), 0)
            and old.at < now() - interval '365 days' then
        return old;
    end if;
    raise exception 'the audit log is append-only: DELETE of seq % refused (only entries pruned under retention,'
        ' older than a year, may go)', old.seq using errcode = 'insufficient_privilege';
end
$$;

drop trigger audit_event_append_only on audit_event;
create trigger audit_event_append_only before update on audit_event
    for each row execute function audit_refuse_change();
create trigger audit_event_delete_pruned_only before delete on audit_event
    for each row execute function audit_delete_pruned_only();

create trigger audit_pruned_append_only before update or delete on audit_pruned
    for each row execute function audit_refuse_change();
create trigger audit_pruned_no_truncate before truncate on audit_pruned
    for each statement execute function audit_refuse_change();

create function audit_prune_range(from_seq bigint, to_seq bigint) returns bigint
    language plpgsql security definer set search_path = '${flyway:defaultSchema}' as $$
declare
    deleted bigint;
begin
    delete from audit_event where seq >= from_seq and seq <= to_seq;
    get diagnostics deleted = row_count;
    return deleted;
end
$$;
revoke all on function audit_prune_range(bigint, bigint) from public;

do $$
begin
    if exists (select 1 from pg_roles where rolname = '${auditAppRole}') then
        execute format('grant execute on function audit_prune_range(bigint, bigint) to %I', '${auditAppRole}');
    end if;
end
$$;
