package org.passerelle.gateway.audit;

import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.jdbc.core.ConnectionCallback;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Checks, once at startup, that on PostgreSQL the node connects as a role that cannot undo the audit log's append-only
 * guard: not a superuser, and not the owner (or a member of the owner) of {@code audit_event} or of its schema, either
 * of which could drop or disable the trigger or drop the table. Such a node refuses to start unless
 * {@code passerelle.audit.allow-privileged-database-role} is set; then it warns in the log and its health component
 * {@code auditGuard} reports {@code UNGUARDED}. On H2, the embedded development database, there is nothing to check.
 */
@Component("auditGuard")
class DatabaseRoleGuard implements HealthIndicator {

    static final Status UNGUARDED = new Status("UNGUARDED",
            "the node's database role could drop or disable the audit log's append-only trigger");

    private static final Logger log = LoggerFactory.getLogger(DatabaseRoleGuard.class);

    private final Map<String, Object> details;
    private final boolean privileged;

    DatabaseRoleGuard(JdbcTemplate jdbc, AuditProperties properties) {
        String database = jdbc.execute((ConnectionCallback<String>) c -> c.getMetaData().getDatabaseProductName());
        this.details = new LinkedHashMap<>();
        details.put("database", database);
        if (!"PostgreSQL".equals(database)) {
            this.privileged = false;
            return;
        }
        Map<String, Object> role = jdbc.queryForMap("""
                select current_user as role, r.rolsuper as superuser,
                       coalesce(pg_has_role(current_user, c.relowner, 'MEMBER'), false) as owns_audit_log,
                       coalesce(pg_has_role(current_user, n.nspowner, 'MEMBER'), false) as owns_schema
                from pg_roles r
                left join pg_class c on c.oid = to_regclass('audit_event')
                left join pg_namespace n on n.oid = c.relnamespace
                where r.rolname = current_user""");
        boolean superuser = (Boolean) role.get("superuser");
        boolean owner = (Boolean) role.get("owns_audit_log") || (Boolean) role.get("owns_schema");
        details.put("role", role.get("role"));
        details.put("superuser", superuser);
        details.put("ownsAuditLog", owner);
        this.privileged = superuser || owner;
        if (!privileged) {
            return;
        }
        String problem = "The node connects to PostgreSQL as " + role.get("role") + ", "
                + (superuser ? "a superuser" : "the owner of the audit log (audit_event or its schema)")
                + ", which could drop or disable the audit log's append-only trigger. Run the node as a runtime role"
                + " (PASSERELLE_DB_USER, default passerelle_app) and Flyway as the schema owner (PASSERELLE_FLYWAY_USER,"
                + " default passerelle): README, \"Audit log\".";
        if (!properties.allowPrivilegedDatabaseRole()) {
            throw new IllegalStateException(problem + " To run with this role all the same, set"
                    + " passerelle.audit.allow-privileged-database-role=true.");
        }
        log.warn("{} Starting all the same: passerelle.audit.allow-privileged-database-role is set.", problem);
    }

    @Override
    public Health health() {
        return (privileged ? Health.status(UNGUARDED) : Health.up()).withDetails(details).build();
    }
}
