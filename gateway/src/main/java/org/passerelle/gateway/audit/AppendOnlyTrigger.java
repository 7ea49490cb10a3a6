package org.passerelle.gateway.audit;

import java.sql.Connection;
import java.sql.SQLException;
import org.h2.api.Trigger;

/**
 * The embedded database's guard on the audit log (named in the H2 migration): refuses every UPDATE and DELETE on
 * {@code audit_event} and {@code audit_checkpoint}. PostgreSQL has its own trigger and permissions.
 */
public final class AppendOnlyTrigger implements Trigger {

    private String table;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                     int type) {
        this.table = tableName;
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        throw new SQLException("the audit log is append-only: " + (newRow == null ? "DELETE" : "UPDATE") + " on "
                + table + " refused", "42501");
    }
}
