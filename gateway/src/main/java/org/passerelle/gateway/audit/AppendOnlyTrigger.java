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
     * with seq in {@code [fromSeq, toSeq]} up to the last prune recorded, each through the trigger above; how many.
     */
    public static long pruneRange(Connection conn, long fromSeq, long toSeq) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement("""
                delete from audit_event where seq >= ? and seq <= least(?,
                  coalesce((select max(up_to_seq) from audit_pruned), 0))""")) {
            s.setLong(1, fromSeq);
            s.setLong(2, toSeq);
            return s.executeUpdate();
        }
    }

    /**
     * The {@code audit_record_prune} function (an H2 alias; PostgreSQL's runs as the schema owner): records a prune up to
     * {@code upTo} if it goes past the last one to a multiple of 256 entries, at a checkpoint signed over that entry's
     * hash and Merkle root, all of whose entries are older than {@link #PRUNE_FLOOR}; answers {@code upTo}.
     */
    public static long recordPrune(Connection conn, long upTo, String headHash, String merkleRoot, String frontier,
                                   java.time.OffsetDateTime oldestKept, String nodeId, int keptForDays)
            throws SQLException {
        long done = single(conn, "select coalesce(max(up_to_seq), 0) from audit_pruned");
        if (upTo <= done || upTo % 256 != 0) {
            throw refused("a prune goes past the last one (seq " + done + ") to a multiple of 256 entries, not to " + upTo);
        }
        if (single(conn, "select count(*) from audit_event where seq = ? and hash = ?", upTo, headHash) != 1
                || single(conn, "select count(*) from audit_checkpoint where seq = ? and head_hash = ? and merkle_root = ?",
                        upTo, headHash, merkleRoot) < 1) {
            throw refused("no checkpoint signed over entry " + upTo + " with that hash and Merkle root");
        }
        try (PreparedStatement s = conn.prepareStatement(
                "select max(at) from audit_event where seq > ? and seq <= ?")) {
            s.setLong(1, done);
            s.setLong(2, upTo);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                java.time.OffsetDateTime newest = rs.getObject(1, java.time.OffsetDateTime.class);
                if (newest == null || !newest.toInstant().isBefore(Instant.now().minus(PRUNE_FLOOR))) {
                    throw refused("entries up to " + upTo + " are not all older than a year");
                }
            }
        }
        try (PreparedStatement s = conn.prepareStatement("""
                insert into audit_pruned (up_to_seq, head_hash, merkle_root, frontier, oldest_kept, pruned_at, node_id,
                  kept_for_days)
                values (?, ?, ?, ?, ?, current_timestamp, ?, ?)""")) {
            s.setLong(1, upTo);
            s.setString(2, headHash);
            s.setString(3, merkleRoot);
            s.setString(4, frontier);
            s.setObject(5, oldestKept);
            s.setString(6, nodeId);
            s.setInt(7, keptForDays);
            s.executeUpdate();
        }
        return upTo;
    }

    private static long single(Connection conn, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = conn.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static SQLException refused(String why) {
        return new SQLException("the audit log is append-only: " + why, "42501");
    }
}
