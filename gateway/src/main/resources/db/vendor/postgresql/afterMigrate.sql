-- PostgreSQL, after every migration (a Flyway callback, run as the schema owner Flyway migrates with, even when no
-- migration was pending): gives the node's runtime role, named by the auditAppRole placeholder (application-postgres.yml
-- makes it the datasource user), what it needs on every table of the schema and nothing more.
--   * Append-only tables, every table with a trigger that runs audit_refuse_change() (V42), today audit_event and
--     audit_checkpoint: SELECT and INSERT only, so a table guarded later by the same trigger is covered here too.
--   * audit_pruned, the prunes of the audit log's start: SELECT only (a prune is recorded through audit_record_prune,
--     which checks it: V93).
--   * audit_pending, where events wait to be sealed: SELECT, INSERT and DELETE; audit_chain_head: SELECT and UPDATE.
--   * Every other table: SELECT, INSERT, UPDATE and DELETE; its sequences: USAGE and SELECT.
--   * Flyway's history table: nothing.
-- Each table's rights are revoked and granted again, so a right given by hand (TRUNCATE, TRIGGER, REFERENCES) goes.
-- The role owns nothing, so it can neither drop nor disable a trigger, nor alter or drop a table. Nothing happens when
-- the role does not exist, or when Flyway runs as that role or a role it belongs to (one role for everything, which
-- the node refuses unless passerelle.audit.allow-privileged-database-role is set).
do $$
declare
    runtime_role  constant name := '${auditAppRole}';
    target_schema constant name := '${flyway:defaultSchema}';
    t             record;
    rights        text;
begin
    if not exists (select 1 from pg_roles where rolname = runtime_role) then
        return;
    end if;
    if pg_has_role(runtime_role, current_user, 'MEMBER') then
        raise notice 'Flyway migrates as %, which the runtime role % is or belongs to: no grants changed',
            current_user, runtime_role;
        return;
    end if;
    execute format('grant usage on schema %I to %I', target_schema, runtime_role);
    for t in
        select c.relname,
               exists (select 1 from pg_trigger g join pg_proc p on p.oid = g.tgfoid
                       where g.tgrelid = c.oid and p.proname = 'audit_refuse_change'
                         and p.pronamespace = c.relnamespace) as append_only
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = target_schema and c.relkind in ('r', 'p')
    loop
        rights := case
            when t.relname = '${flyway:table}' then null
            when t.relname = 'audit_pruned' then 'select'
            when t.append_only then 'select, insert'
            when t.relname = 'audit_pending' then 'select, insert, delete'
            when t.relname = 'audit_chain_head' then 'select, update'
            else 'select, insert, update, delete'
        end;
        execute format('revoke all on table %I.%I from %I', target_schema, t.relname, runtime_role);
        if rights is not null then
            execute format('grant %s on table %I.%I to %I', rights, target_schema, t.relname, runtime_role);
        end if;
    end loop;
    execute format('grant usage, select on all sequences in schema %I to %I', target_schema, runtime_role);
end
$$;
