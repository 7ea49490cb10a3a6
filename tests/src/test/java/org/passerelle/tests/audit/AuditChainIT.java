package org.passerelle.tests.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.AuditEvent;
import org.passerelle.gateway.audit.AuditTrail;
import org.passerelle.gateway.audit.VerifyExport;
import org.passerelle.gateway.audit.VerifyProof;
import org.passerelle.security.audit.AuditRecord;
import org.passerelle.security.audit.ChainHash;
import org.passerelle.tests.support.AuditTampering;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import org.passerelle.tests.support.PostgresSchema;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The audit log of a whole node: auditors search, verify and export it; someone who changes it directly in the
 * database (getting past the append-only guard as a database administrator could) is found at the right entry, by the
 * node's verify endpoint and by the offline verifier on an export; on PostgreSQL the trigger refuses changes even to
 * the owner, and the node runs as a role that may only read and add entries and cannot remove the trigger.
 */
class AuditChainIT {

    static final String AUDITOR_TOKEN = "auditor-token-for-tests";
    static final JsonMapper JSON = JsonMapper.shared();
    static final boolean POSTGRES = "postgres".equals(System.getProperty("passerelle.test.database"));

    @TempDir
    static Path dir;
    static Exchange exchange;
    static Node gb;

    @BeforeAll
    static void startNodes() throws Exception {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("GB:passerelle.api.tokens[2].name", "compliance-auditor");
        extra.put("GB:passerelle.api.tokens[2].sha256", Exchange.sha256(AUDITOR_TOKEN));
        extra.put("GB:passerelle.api.tokens[2].roles[0]", "AUDITOR");
        exchange = Exchange.start(dir, extra);
        gb = exchange.gb;
        for (int i = 0; i < 15; i++) {
            assertThat(gb.get("/api/v1/audit/entries?action=AUDIT_SEARCH&size=1", AUDITOR_TOKEN).statusCode()).isEqualTo(200);
            assertThat(gb.get("/api/v1/audit/verify", null).statusCode()).isEqualTo(401);
        }
        // A restart signs a checkpoint over the head at shutdown (and one at startup when the head moved).
        gb.stop();
        gb.start();
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @AfterEach
    void theChainHoldsAgainAfterEachTamperingIsUndone() {
        assertThat(verify().get("ok").booleanValue()).as(verify().toString()).isTrue();
    }

    @Test
    void anAuditorVerifiesTheWholeChainAndItsCheckpoints() {
        JsonNode report = verify();

        assertThat(report.get("ok").booleanValue()).isTrue();
        assertThat(report.get("entries").longValue()).isGreaterThanOrEqualTo(30);
        assertThat(report.get("checkpoints").longValue()).isGreaterThanOrEqualTo(1);
        assertThat(report.get("lastCheckpoint").get("seq").longValue()).isGreaterThanOrEqualTo(30);
        assertThat(report.get("firstBreak").isNull()).isTrue();
    }

    @Test
    void anAuditorSearchesNewestFirstAndTheSearchIsAuditedWithoutItsFilterValues() throws Exception {
        HttpResponse<String> response = gb.get("/api/v1/audit/entries?action=AUTHENTICATION&outcome=REFUSED&size=5"
                + "&from=2000-01-01T00:00:00Z", AUDITOR_TOKEN);

        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode page = JSON.readTree(response.body());
        List<Long> seqs = new ArrayList<>();
        page.get("entries").forEach(e -> {
            assertThat(e.get("action").stringValue()).isEqualTo("AUTHENTICATION");
            seqs.add(e.get("seq").longValue());
        });
        assertThat(seqs).hasSize(5).isSortedAccordingTo((a, b) -> Long.compare(b, a));
        assertThat(page.get("total").longValue()).isGreaterThanOrEqualTo(15);
        AuditEvent searched = gb.bean(AuditTrail.class).latest(5).stream()
                .filter(e -> e.action().equals("AUDIT_SEARCH")).findFirst().orElseThrow();
        assertThat(searched.actor()).isEqualTo("compliance-auditor");
        assertThat(searched.detail()).contains("filters: from,action,outcome").doesNotContain("AUTHENTICATION");
        assertThat(gb.get("/api/v1/audit/entries?size=501", AUDITOR_TOKEN).statusCode()).isEqualTo(400);
    }

    @Test
    void onlyAnAuditorReadsTheAuditLogAndARefusalIsAudited() {
        assertThat(gb.get("/api/v1/audit/verify", Node.SYSTEM_TOKEN).statusCode()).isEqualTo(403);
        assertThat(gb.get("/api/v1/audit/export", Node.ADMIN_TOKEN).statusCode()).isEqualTo(403);

        assertThat(gb.bean(AuditTrail.class).latest(5)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("ACCESS_DENIED");
            assertThat(e.actor()).isEqualTo("administrator");
        });
    }

    @Test
    void anExportVerifiesOfflineWithOnlyTheNodeCertificate() throws Exception {
        Path whole = export("");
        // a range that ends at a checkpoint, which vouches for it (one without would be UNVERIFIED: nothing signed
        // covers it)
        long checkpointed = verify().get("lastCheckpoint").get("seq").longValue();
        Path range = export("?fromSeq=" + (checkpointed - 10) + "&toSeq=" + checkpointed);

        Path byTime = export("?from=2000-01-01T00:00:00Z&to=2999-01-01T00:00:00Z");

        assertThat(cli(whole)).startsWith("0 OK ");
        assertThat(cli(range)).startsWith("0 OK 11 entries");
        assertThat(cli(byTime)).startsWith("0 OK ");
        assertThat(gb.get("/api/v1/audit/export?fromSeq=1&from=2000-01-01T00:00:00Z", AUDITOR_TOKEN).body())
                .contains("AUDIT_QUERY_INVALID");
        assertThat(Files.readAllLines(whole).get(0)).contains("\"party\":\"GB\"").contains("BEGIN CERTIFICATE");
    }

    @Test
    void anEntrysMerkleProofFromTheNodeVerifiesOfflineAndForgeriesAreRefusedWithTheirReason() throws Exception {
        // given the last checkpoint the node signed (at its restart), with a Merkle root
        long checkpoint = verify().get("lastCheckpoint").get("seq").longValue();
        HttpResponse<String> response = gb.get("/api/v1/audit/entries/10/proof?checkpoint=" + checkpoint, AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        ObjectNode proof = (ObjectNode) JSON.readTree(response.body());

        // when checked offline with the node certificate only, as it came and forged three ways
        String intact = proofCli(write(List.of(response.body())));
        ObjectNode altered = proof.deepCopy();
        ((ObjectNode) altered.get("entry")).put("detail", "nothing to see");
        ObjectNode flipped = proof.deepCopy();
        String sibling = flipped.get("auditPath").get(0).stringValue();
        ((tools.jackson.databind.node.ArrayNode) flipped.get("auditPath"))
                .set(0, (sibling.startsWith("0") ? "1" : "0") + sibling.substring(1));
        ObjectNode otherKey = proof.deepCopy();
        ((ObjectNode) otherKey.get("checkpoint")).put("signature", java.util.Base64.getEncoder().encodeToString(
                new byte[70]));

        // then
        assertThat(proof.get("treeSize").longValue()).isEqualTo(checkpoint);
        assertThat(proof.get("leafIndex").longValue()).isEqualTo(9);
        assertThat(proof.get("checkpoint").get("merkleRoot").stringValue()).hasSize(64);
        assertThat(intact).startsWith("0 OK entry 10 is in the log as of checkpoint " + checkpoint);
        assertThat(proofCli(write(List.of(altered.toString())))).startsWith("1 entry 10: REFUSED its fields do not hash");
        assertThat(proofCli(write(List.of(flipped.toString())))).startsWith("1 entry 10: REFUSED the audit path");
        assertThat(proofCli(write(List.of(otherKey.toString()))))
                .startsWith("1 checkpoint " + checkpoint + ": REFUSED it does not carry the node's signature");
        assertThat(gb.get("/api/v1/audit/entries/10/proof?checkpoint=" + checkpoint, Node.ADMIN_TOKEN).statusCode())
                .isEqualTo(403);
        assertThat(gb.get("/api/v1/audit/entries/0/proof", AUDITOR_TOKEN).body()).contains("AUDIT_QUERY_INVALID");
        assertThat(gb.bean(AuditTrail.class).latest(10)).anySatisfy(e -> assertThat(e.action()).isEqualTo("AUDIT_PROOF"));
    }

    @Test
    void aConsistencyProofBetweenTwoCheckpointsOfTheNodeVerifiesOffline() throws Exception {
        // given two checkpoints: one now, one after more entries and a restart
        long first = verify().get("lastCheckpoint").get("seq").longValue();
        gb.get("/api/v1/audit/entries?size=1", AUDITOR_TOKEN);
        gb.stop();
        gb.start();
        long second = verify().get("lastCheckpoint").get("seq").longValue();

        // when
        HttpResponse<String> response = gb.get("/api/v1/audit/consistency?from=" + first + "&to=" + second,
                AUDITOR_TOKEN);

        // then
        assertThat(second).isGreaterThan(first);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(proofCli(write(List.of(response.body()))))
                .isEqualTo("0 OK checkpoint " + second + " extends checkpoint " + first);
    }

    @Test
    void anEntryAlteredInTheDatabaseIsFoundAtItsSeq() throws Exception {
        String original = single("select detail from audit_event where seq = 10");
        tamper(s -> s.executeUpdate("update audit_event set detail = 'nothing to see' where seq = 10"));
        try {
            assertBreak(verify(), 10, "ALTERED");
            assertThat(cli(export(""))).startsWith("1 entry 10: ALTERED");
        } finally {
            tamper(s -> update(s, "update audit_event set detail = ? where seq = 10", original));
        }
    }

    @Test
    void anEntryDeletedFromTheDatabaseIsFoundAtItsSeq() throws Exception {
        Map<String, Object> row = row(12);
        tamper(s -> s.executeUpdate("delete from audit_event where seq = 12"));
        try {
            assertBreak(verify(), 12, "DELETED");
            assertThat(cli(export(""))).startsWith("1 entry 12: DELETED");
        } finally {
            tamper(s -> insert(s, row));
        }
    }

    @Test
    void theNewestEntriesDeletedWithTheHeadLeftAsItWasAreFound() throws Exception {
        // given the newest three entries of the chain, as its head records them
        long head = verify().get("entries").longValue();
        List<Map<String, Object>> newest = List.of(row(head - 2), row(head - 1), row(head));
        tamper(s -> s.executeUpdate("delete from audit_event where seq between " + (head - 2) + " and " + head));
        try {
            // then verification finds the chain ending before its head (or, once later entries are sealed after the
            // gap, the gap itself): either way at the first entry deleted
            JsonNode report = verify();
            assertThat(report.get("ok").booleanValue()).isFalse();
            assertThat(report.get("firstBreak").get("seq").longValue()).as(report.toString()).isEqualTo(head - 2);
            assertThat(report.get("firstBreak").get("kind").stringValue()).isIn("TRUNCATED", "DELETED");
        } finally {
            tamper(s -> newest.forEach(row -> {
                try {
                    insert(s, row);
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }));
        }
    }

    @Test
    void anEntryInsertedIntoTheDatabaseWithTheLaterOnesRenumberedIsFoundAtItsSeq() throws Exception {
        AuditRecord before = record(7);
        AuditRecord forged = ChainHash.seal(new AuditRecord(0, before.at(), "someone", "ADMIN", "API", "MESSAGE_REPLAY",
                null, null, null, "GRANTED", null, null, null, null, null, null, null, null), 8, before.hash());
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("seq", forged.seq());
        row.put("at", forged.at().atOffset(java.time.ZoneOffset.UTC));
        row.put("actor", forged.actor());
        row.put("actor_role", forged.role());
        row.put("channel", forged.channel());
        row.put("action", forged.action());
        row.put("outcome", forged.outcome());
        row.put("prev_hash", forged.prevHash());
        row.put("hash", forged.hash());
        tamper(s -> {
            s.executeUpdate("update audit_event set seq = -seq - 1 where seq >= 8");
            s.executeUpdate("update audit_event set seq = -seq where seq < 0");
            insert(s, row);
        });
        try {
            assertBreak(verify(), 8, "INSERTED");
            assertThat(cli(export(""))).startsWith("1 entry 8: INSERTED");
        } finally {
            tamper(s -> {
                update(s, "delete from audit_event where seq = 8 and hash = ?", forged.hash());
                s.executeUpdate("update audit_event set seq = -(seq - 1) where seq > 8");
                s.executeUpdate("update audit_event set seq = -seq where seq < 0");
            });
        }
    }

    @Test
    void entriesReorderedInTheDatabaseAreFoundAtTheFirstOfThem() throws Exception {
        tamper(s -> swap(s, 5, 6));
        try {
            assertBreak(verify(), 5, "REORDERED");
            assertThat(cli(export(""))).startsWith("1 entry 5: REORDERED");
        } finally {
            tamper(s -> swap(s, 5, 6));
        }
    }

    @Test
    void anExportFileAlteredDeletedInsertedOrReorderedIsFoundAtTheRightEntry() throws Exception {
        List<String> lines = Files.readAllLines(export("?toSeq=30"));
        int at10 = lineOf(lines, 10);

        List<String> altered = new ArrayList<>(lines);
        ObjectNode changed = (ObjectNode) JSON.readTree(lines.get(at10));
        changed.put("actor", "someone-else");
        altered.set(at10, JSON.writeValueAsString(changed));
        assertThat(cli(write(altered))).startsWith("1 entry 10: ALTERED");

        List<String> deleted = new ArrayList<>(lines);
        deleted.remove(at10);
        assertThat(cli(write(deleted))).startsWith("1 entry 10: DELETED");

        List<String> inserted = new ArrayList<>(lines);
        inserted.add(at10 + 1, JSON.writeValueAsString(changed));
        assertThat(cli(write(inserted))).startsWith("1 entry 10: INSERTED");

        List<String> reordered = new ArrayList<>(lines);
        reordered.set(at10, lines.get(at10 + 1));
        reordered.set(at10 + 1, lines.get(at10));
        assertThat(cli(write(reordered))).startsWith("1 entry 11: REORDERED");

        List<String> cut = new ArrayList<>(lines.subList(0, lines.size() - 3));
        assertThat(cli(write(cut))).startsWith("1 entry 28: TRUNCATED");
    }

    @Test
    void onPostgresTheTriggerRefusesToUpdateDeleteOrTruncateTheAuditLogEvenToItsOwner() throws Exception {
        assumeTrue(POSTGRES, "PostgreSQL only");
        PostgresSchema db = gb.database();
        try (Connection c = db.connect(db.owner()); Statement s = c.createStatement()) {
            assertThatThrownBy(() -> s.executeUpdate("update audit_event set detail = 'x' where seq = 3"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit_event where seq = 3"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.execute("truncate audit_event"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit_checkpoint"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
            assertThatThrownBy(() -> s.execute("truncate audit_checkpoint"))
                    .isInstanceOf(SQLException.class).hasMessageContaining("append-only");
        }
    }

    @Test
    void onPostgresTheNodeRunsAsARoleThatMayOnlyReadAndAddAuditEntriesAndOwnsNothing() throws Exception {
        assumeTrue(POSTGRES, "PostgreSQL only");
        PostgresSchema db = gb.database();
        // the node itself connects as the runtime role, not the owner Flyway migrated with
        assertThat(single("select current_user")).isEqualTo(db.runtime());
        try (Connection c = db.connect(db.admin()); Statement s = c.createStatement()) {
            for (String table : List.of("audit_event", "audit_checkpoint")) {
                try (ResultSet rs = s.executeQuery("select string_agg(p, ',' order by i) from unnest(array['SELECT',"
                        + " 'INSERT', 'UPDATE', 'DELETE', 'TRUNCATE', 'REFERENCES', 'TRIGGER']) with ordinality as r(p, i)"
                        + " where has_table_privilege('" + db.runtime() + "', '" + db.schema() + "." + table + "', p)")) {
                    rs.next();
                    assertThat(rs.getString(1)).as(table).isEqualTo("SELECT,INSERT");
                }
            }
            try (ResultSet rs = s.executeQuery("select count(*) from pg_class where relowner = '" + db.runtime()
                    + "'::regrole")) {
                rs.next();
                assertThat(rs.getLong(1)).isZero();
            }
        }
        try (Connection c = db.connect(db.runtime()); Statement s = c.createStatement()) {
            assertThat(s.executeQuery("select count(*) from audit_event").next()).isTrue();
            assertThatThrownBy(() -> s.executeUpdate("update audit_event set detail = 'x' where seq = 3"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit_event where seq = 3"))
                    .hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.execute("truncate audit_event")).hasMessageContaining("permission denied");
            assertThatThrownBy(() -> s.executeUpdate("delete from audit_checkpoint"))
                    .hasMessageContaining("permission denied");
            // nor can it take the guard away: only the owner of a table (or a superuser) may
            assertThatThrownBy(() -> s.execute("drop trigger audit_event_append_only on audit_event"))
                    .isInstanceOfSatisfying(SQLException.class, e -> assertThat(e.getSQLState()).isEqualTo("42501"))
                    .hasMessageContaining("must be owner");
            assertThatThrownBy(() -> s.execute("alter table audit_event disable trigger audit_event_append_only"))
                    .hasMessageContaining("must be owner");
            assertThatThrownBy(() -> s.execute("alter table audit_event disable trigger all"))
                    .hasMessageContaining("must be owner");
            assertThatThrownBy(() -> s.execute("drop table audit_event")).hasMessageContaining("must be owner");
            assertThatThrownBy(() -> s.execute("drop table audit_checkpoint")).hasMessageContaining("must be owner");
            assertThatThrownBy(() -> s.execute("set session_replication_role = replica"))
                    .hasMessageContaining("permission denied");
        }
    }

    // --- helpers

    private static JsonNode verify() {
        HttpResponse<String> response = gb.get("/api/v1/audit/verify", AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    private static void assertBreak(JsonNode report, long seq, String kind) {
        assertThat(report.get("ok").booleanValue()).isFalse();
        JsonNode b = report.get("firstBreak");
        assertThat(b.get("kind").stringValue()).as(b.toString()).isEqualTo(kind);
        assertThat(b.get("seq").longValue()).as(b.toString()).isEqualTo(seq);
    }

    private static Path export(String query) throws Exception {
        HttpResponse<String> response = gb.get("/api/v1/audit/export" + query, AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return write(List.of(response.body().split("\n")));
    }

    private static Path write(List<String> lines) throws Exception {
        Path file = Files.createTempFile(dir, "audit-", ".jsonl");
        Files.write(file, lines, StandardCharsets.UTF_8);
        return file;
    }

    /** Runs the offline verifier; answers "exit-code first-line". */
    private static String cli(Path export) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VerifyExport.run(new String[] {export.toString(), exchange.pki.gateway("GB").certificatePem().toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return code + " " + out.toString(StandardCharsets.UTF_8).strip() + err.toString(StandardCharsets.UTF_8).strip();
    }

    /** Runs the offline proof check; answers "exit-code output". */
    private static String proofCli(Path proof) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = VerifyProof.run(new String[] {proof.toString(), exchange.pki.gateway("GB").certificatePem().toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return code + " " + out.toString(StandardCharsets.UTF_8).strip() + err.toString(StandardCharsets.UTF_8).strip();
    }

    private static int lineOf(List<String> lines, long seq) {
        for (int i = 0; i < lines.size(); i++) {
            JsonNode n = JSON.readTree(lines.get(i));
            if ("entry".equals(n.get("type").stringValue()) && n.get("seq").longValue() == seq) {
                return i;
            }
        }
        throw new AssertionError("no entry " + seq);
    }

    private static void tamper(AuditTampering.Work work) throws SQLException {
        AuditTampering.tamper(gb, work);
    }

    private static void swap(Statement s, long a, long b) throws SQLException {
        s.executeUpdate("update audit_event set seq = -1 where seq = " + a);
        s.executeUpdate("update audit_event set seq = " + a + " where seq = " + b);
        s.executeUpdate("update audit_event set seq = " + b + " where seq = -1");
    }

    private static void update(Statement s, String sql, Object value) throws SQLException {
        try (PreparedStatement p = s.getConnection().prepareStatement(sql)) {
            p.setObject(1, value);
            p.executeUpdate();
        }
    }

    private static Map<String, Object> row(long seq) throws SQLException {
        try (Connection c = gb.bean(DataSource.class).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select * from audit_event where seq = " + seq)) {
            assertThat(rs.next()).isTrue();
            ResultSetMetaData meta = rs.getMetaData();
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= meta.getColumnCount(); i++) {
                String name = meta.getColumnName(i).toLowerCase();
                row.put(name, name.equals("at") ? rs.getObject(i, OffsetDateTime.class) : rs.getObject(i));
            }
            return row;
        }
    }

    private static AuditRecord record(long seq) throws SQLException {
        Map<String, Object> r = row(seq);
        return new AuditRecord(seq, ((OffsetDateTime) r.get("at")).toInstant(), (String) r.get("actor"),
                (String) r.get("actor_role"), (String) r.get("channel"), (String) r.get("action"),
                (String) r.get("resource"), (String) r.get("purpose"), (String) r.get("case_reference"),
                (String) r.get("outcome"), (String) r.get("partner"), (String) r.get("message_id"),
                (String) r.get("message_type"), (String) r.get("code"), (String) r.get("detail"),
                (String) r.get("payload_sha256"), (String) r.get("prev_hash"), (String) r.get("hash"));
    }

    private static void insert(Statement s, Map<String, Object> row) throws SQLException {
        String sql = "insert into audit_event (" + String.join(", ", row.keySet()) + ") values ("
                + String.join(", ", row.keySet().stream().map(k -> "?").toList()) + ")";
        try (PreparedStatement p = s.getConnection().prepareStatement(sql)) {
            int i = 1;
            for (Object v : row.values()) {
                p.setObject(i++, v);
            }
            p.executeUpdate();
        }
    }

    private static String single(String sql) throws SQLException {
        try (Connection c = gb.bean(DataSource.class).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }
}
