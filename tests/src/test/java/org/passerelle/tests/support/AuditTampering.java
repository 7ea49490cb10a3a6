package org.passerelle.tests.support;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/**
 * Changes a node's audit tables as whoever controls its database could, past the append-only guards: on PostgreSQL as
 * the superuser with triggers off for the session (the node's own role may do neither), on H2 with the triggers
 * dropped for the while. One transaction holding the chain head, as a careful intruder would: the node's sealer waits.
 */
public final class AuditTampering {

    /** What is done to the tables, with a statement of that transaction. */
    public interface Work {
        void run(Statement s) throws SQLException;
    }

    private static final String[] H2_GUARDED = {"audit_event", "audit_checkpoint"};

    private AuditTampering() {
    }

    public static void tamper(Node node, Work work) throws SQLException {
        PostgresSchema postgres = node.database();
        try (Connection c = postgres != null ? postgres.connect(postgres.admin())
                : node.bean(DataSource.class).getConnection();
             Statement s = c.createStatement()) {
            if (postgres != null) {
                s.execute("set session_replication_role = replica");
            } else {
                for (String table : H2_GUARDED) {
                    s.execute("drop trigger " + table + "_append_only");
                }
            }
            try {
                c.setAutoCommit(false);
                s.executeQuery("select seq from audit_chain_head where id = 1 for update").close();
                work.run(s);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
                if (postgres != null) {
                    s.execute("set session_replication_role = origin");
                } else {
                    for (String table : H2_GUARDED) {
                        s.execute("create trigger " + table + "_append_only before update, delete on " + table
                                + " for each row call 'org.passerelle.gateway.audit.AppendOnlyTrigger'");
                    }
                }
            }
        }
    }
}
