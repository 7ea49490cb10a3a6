package org.passerelle.gateway.audit;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import org.h2.api.Trigger;

/**
 * The embedded database's guard on the audit log (named in the H2 migrations): refuses every UPDATE and DELETE on
 * {@code audit_event}, {@code audit_checkpoint} and the other append-only audit tables, except the DELETE of an entry
 * the retention pruned ({@link AuditPruning}): at or before the latest {@code audit_pruned.up_to_seq}, and older than
 * {@link #PRUNE_FLOOR}. PostgreSQL has its own triggers and permissions, to the same rules.
 */
public final class AppendOnlyTrigger implements Trigger {

    /** No audit entry younger than this is ever deleted, whatever the settings say (the migrations say so too). */
    static final Duration PRUNE_FLOOR = Duration.ofDays(365);

    private String table;
    private int seqColumn = -1;
    private int atColumn = -1;

    @Override
    public void init(Connection conn, String schemaName, String triggerName, String tableName, boolean before,
                     int type) throws SQLException {
        this.table = tableName;
        if ("audit_event".equalsIgnoreCase(tableName)) {
            try (ResultSet columns = conn.getMetaData().getColumns(null, schemaName, tableName, null)) {
                while (columns.next()) {
                    int index = columns.getInt("ORDINAL_POSITION") - 1;
                    String name = columns.getString("COLUMN_NAME");
                    if ("seq".equalsIgnoreCase(name)) {
                        seqColumn = index;
                    } else if ("at".equalsIgnoreCase(name)) {
                        atColumn = index;
                    }
                }
            }
        }
    }

    @Override
    public void fire(Connection conn, Object[] oldRow, Object[] newRow) throws SQLException {
        if (newRow == null && seqColumn >= 0 && atColumn >= 0 && pruned(conn, oldRow)) {
            return;
        }
        throw new SQLException("the audit log is append-only: " + (newRow == null ? "DELETE" : "UPDATE") + " on "
                + table + " refused", "42501");
    }

    private boolean pruned(Connection conn, Object[] row) throws SQLException {
        long seq = ((Number) row[seqColumn]).longValue();
        Instant at = switch (row[atColumn]) {
            case OffsetDateTime o -> o.toInstant();
            case Timestamp t -> t.toInstant();
            case null, default -> null;
        };
        if (at == null || !at.isBefore(Instant.now().minus(PRUNE_FLOOR))) {
            return false;
        }
        try (PreparedStatement s = conn.prepareStatement("select coalesce(max(up_to_seq), 0) from audit_pruned");
             ResultSet rs = s.executeQuery()) {
            return rs.next() && seq <= rs.getLong(1);
        }
    }

    /**
     * The {@code audit_prune_range} function (an H2 alias; PostgreSQL's runs as the schema owner): deletes the entries
     * with seq in {@code [fromSeq, toSeq]}, each through the trigger above; answers how many.
     */
    public static long pruneRange(Connection conn, long fromSeq, long toSeq) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("delete from audit_event where seq >= ? and seq <= ?")) {
            s.setLong(1, fromSeq);
            s.setLong(2, toSeq);
            return s.executeUpdate();
        }
    }
}
