package org.passerelle.gateway.audit;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.Checkpoint;

/** Reads audit rows into the chain's types. */
public final class AuditRows {

    static final String ENTRY_COLUMNS = "seq, at, actor, actor_role, channel, action, resource, purpose, case_reference, "
            + "outcome, partner, message_id, message_type, code, detail, payload_sha256, prev_hash, hash";

    private AuditRows() {
    }

    /** A sealed row of audit_event. */
    static AuditRecord sealed(ResultSet rs, int row) throws SQLException {
        return new AuditRecord(rs.getLong("seq"), rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getString("actor"), rs.getString("actor_role"), rs.getString("channel"), rs.getString("action"),
                rs.getString("resource"), rs.getString("purpose"), rs.getString("case_reference"),
                rs.getString("outcome"), rs.getString("partner"), rs.getString("message_id"),
                rs.getString("message_type"), rs.getString("code"), rs.getString("detail"),
                rs.getString("payload_sha256"), rs.getString("prev_hash"), rs.getString("hash"));
    }

    /** A row of audit_pending: everything but its place in the chain. */
    static AuditRecord unsealed(ResultSet rs) throws SQLException {
        return new AuditRecord(0, rs.getObject("at", OffsetDateTime.class).toInstant(),
                rs.getString("actor"), rs.getString("actor_role"), rs.getString("channel"), rs.getString("action"),
                rs.getString("resource"), rs.getString("purpose"), rs.getString("case_reference"),
                rs.getString("outcome"), rs.getString("partner"), rs.getString("message_id"),
                rs.getString("message_type"), rs.getString("code"), rs.getString("detail"),
                rs.getString("payload_sha256"), null, null);
    }

    public static Checkpoint checkpoint(ResultSet rs, int row) throws SQLException {
        return new Checkpoint(rs.getLong("seq"), rs.getString("head_hash"),
                rs.getObject("at", OffsetDateTime.class).toInstant(), rs.getString("node_id"),
                rs.getString("algorithm"), rs.getBytes("signature"), rs.getString("certificate_sha256"),
                rs.getString("merkle_root"));
    }
}
