-- PostgreSQL: the audit log's retention (issue 16). The runtime role may not DELETE from audit_event (afterMigrate
-- gives it SELECT and INSERT only, since audit_refuse_change still guards UPDATE and TRUNCATE) nor write audit_pruned
-- (SELECT only). It records a prune through audit_record_prune and deletes through audit_prune_range, both running as
-- the schema owner: the first accepts a prune only up to a multiple of 256 entries past the last one, at a checkpoint
-- the node signed over that entry's hash and Merkle root, all of whose entries are older than a year; the second
-- deletes only entries at or before the last prune, and a row trigger refuses any other DELETE, whoever asks. Both
-- name their schema, with pg_temp last, so that a temporary table of the caller's cannot stand in for one of ours.
create function audit_delete_pruned_only() returns trigger
    language plpgsql set search_path = '${flyway:defaultSchema}', pg_temp as $$
begin
    if old.seq <= coalesce((select max(p.up_to_seq) from audit_pruned p), 0)
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

create function audit_record_prune(p_up_to bigint, p_head_hash varchar, p_merkle_root varchar, p_frontier varchar,
                                   p_oldest_kept timestamptz, p_node_id varchar, p_kept_for_days integer)
    returns bigint
    language plpgsql security definer set search_path = '${flyway:defaultSchema}', pg_temp as $$
declare
    done bigint := coalesce((select max(p.up_to_seq) from audit_pruned p), 0);
begin
    if p_up_to <= done or p_up_to % 256 <> 0 then
        raise exception 'a prune goes past the last one (seq %) to a multiple of 256 entries, not to %', done, p_up_to
            using errcode = 'insufficient_privilege';
    end if;
    if not exists (select 1 from audit_event e where e.seq = p_up_to and e.hash = p_head_hash)
            or not exists (select 1 from audit_checkpoint c where c.seq = p_up_to and c.head_hash = p_head_hash
                           and c.merkle_root = p_merkle_root) then
        raise exception 'no checkpoint signed over entry % with that hash and Merkle root', p_up_to
            using errcode = 'insufficient_privilege';
    end if;
    if (select max(e.at) from audit_event e where e.seq > done and e.seq <= p_up_to) >= now() - interval '365 days' then
        raise exception 'entries up to % are not all older than a year', p_up_to
            using errcode = 'insufficient_privilege';
    end if;
    insert into audit_pruned (up_to_seq, head_hash, merkle_root, frontier, oldest_kept, pruned_at, node_id,
                              kept_for_days)
    values (p_up_to, p_head_hash, p_merkle_root, p_frontier, p_oldest_kept, now(), p_node_id, p_kept_for_days);
    return p_up_to;
end
$$;

create function audit_prune_range(from_seq bigint, to_seq bigint) returns bigint
    language plpgsql security definer set search_path = '${flyway:defaultSchema}', pg_temp as $$
declare
    deleted bigint;
begin
    delete from audit_event
    where seq >= from_seq and seq <= least(to_seq, coalesce((select max(p.up_to_seq) from audit_pruned p), 0));
    get diagnostics deleted = row_count;
    return deleted;
end
$$;
revoke all on function audit_record_prune(bigint, varchar, varchar, varchar, timestamptz, varchar, integer) from public;
revoke all on function audit_prune_range(bigint, bigint) from public;

do $$
begin
    if exists (select 1 from pg_roles where rolname = '${auditAppRole}') then
        execute format('grant execute on function audit_record_prune(bigint, varchar, varchar, varchar, timestamptz,'
            ' varchar, integer) to %I', '${auditAppRole}');
        execute format('grant execute on function audit_prune_range(bigint, bigint) to %I', '${auditAppRole}');
    end if;
end
$$;
