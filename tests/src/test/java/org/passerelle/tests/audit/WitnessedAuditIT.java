package org.passerelle.tests.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.audit.VerifyExport;
import org.passerelle.security.CmsEncryptor;
import org.passerelle.security.CmsSigner;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.audit.Checkpoint;
import org.passerelle.security.audit.CheckpointSigner;
import org.passerelle.tests.support.AuditTampering;
import org.passerelle.tests.support.Exchange;
import org.passerelle.tests.support.Node;
import org.passerelle.tests.support.PartnerCall;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The audit log anchored outside the node: GB sends each checkpoint to FR, FR keeps it, and GB's verification asks FR.
 * Then GB's log is rewritten as only whoever controls its database and its key could — a checkpoint replaced by one
 * signed over another head, the tail cut with the head row reset, everything wiped with the head reset and a new
 * history signed with the node's own key — and each is found and located by the API and by the offline verifier with
 * FR's copies, while FR refuses to witness a log that no longer extends what it witnessed. The rewrites cannot be
 * undone, so the tests run in order, each leaving the log more broken than before.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WitnessedAuditIT {

    static final String AUDITOR_TOKEN = "auditor-token-for-witness-tests";
    static final JsonMapper JSON = JsonMapper.shared();
    static final boolean POSTGRES = "postgres".equals(System.getProperty("passerelle.test.database"));

    @TempDir
    static Path dir;
    static Exchange exchange;
    static Node gb;
    static Node fr;

    @BeforeAll
    static void startNodes() {
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("passerelle.api.tokens[2].name", "compliance-auditor");
        extra.put("passerelle.api.tokens[2].sha256", Exchange.sha256(AUDITOR_TOKEN));
        extra.put("passerelle.api.tokens[2].roles[0]", "AUDITOR");
        // Checkpoints (and so witness messages) every two seconds instead of five minutes.
        extra.put("passerelle.audit.checkpoint-interval", "2s");
        exchange = Exchange.start(dir, extra);
        gb = exchange.gb;
        fr = exchange.fr;
    }

    @AfterAll
    static void stopNodes() {
        exchange.close();
    }

    @Test
    @Order(1)
    void eachCheckpointIsWitnessedByThePartnerAndVerificationAsksItForItsCopies() throws Exception {
        // FR keeps GB's checkpoints as they come, each proven to extend the one before
        await().atMost(Duration.ofSeconds(90)).until(() -> frCopiesOfGb().size() >= 3);
        List<JsonNode> copies = frCopiesOfGb();
        assertThat(copies).extracting(c -> c.get("seq").longValue()).isSorted().doesNotHaveDuplicates();

        JsonNode report = verify();

        assertThat(report.get("status").stringValue()).as(report.toString()).isEqualTo("VERIFIED");
        JsonNode byFr = witness(report, "FR");
        assertThat(byFr.get("problem").isNull()).as(byFr.toString()).isTrue();
        assertThat(byFr.get("checkpoints").longValue()).isGreaterThanOrEqualTo(3);
        assertThat(byFr.get("rejected").longValue()).isZero();
        assertThat(byFr.get("agreedUpTo").longValue()).isEqualTo(byFr.get("latestSeq").longValue())
                .isGreaterThanOrEqualTo(copies.get(2).get("seq").longValue());
        // Both sides audited: GB that FR receipted its checkpoint, FR that it kept one and that GB asked for them.
        assertThat(audit(gb, "AUDIT_CHECKPOINT_WITNESSED")).isNotEmpty();
        assertThat(audit(fr, "AUDIT_CHECKPOINT_KEPT")).isNotEmpty();
        assertThat(audit(fr, "WITNESSED_CHECKPOINTS_READ")).isNotEmpty();
        // The offline verifier agrees with FR's copies.
        assertThat(cli(export(), witnessFile())).startsWith("0 OK").contains("witnessed by FR");
    }

    @Test
    @Order(2)
    void aPartnerThatCannotBeAskedLeavesTheLogUnwitnessedNotVerified() {
        fr.stop();
        try {
            JsonNode report = verify();
            assertThat(report.get("status").stringValue()).as(report.toString()).isEqualTo("UNWITNESSED");
            assertThat(report.get("ok").booleanValue()).isFalse();
            assertThat(report.get("firstBreak").isNull()).isTrue();
            assertThat(witness(report, "FR").get("problem").stringValue()).contains("FR");
        } finally {
            fr.start();
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> "VERIFIED".equals(verify().get("status").stringValue()));
    }

    @Test
    @Order(2)
    void onlyTheNodeItselfSendsItsCheckpointsAndTheCopiesAreNoOneElsesToAskFor() {
        // A well-formed checkpoint message (its signature is not checked: intake refuses it before that)
        Checkpoint any = new Checkpoint(5, "ab".repeat(32), Instant.now(), "node-1", "SHA256withECDSA",
                java.util.Base64.getDecoder().decode("MEUCIQDxAiB1c2v3"), "ef".repeat(32), "cd".repeat(32));

        HttpResponse<String> response = gb.submit(checkpointMessage(any, null));

        assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
        assertThat(response.body()).contains("MESSAGE_TYPE_NOT_ALLOWED");
        // The auditor's export of what FR kept names a partner, and only a partner.
        assertThat(fr.get("/api/v1/audit/witnessed?party=XX", AUDITOR_TOKEN).body()).contains("AUDIT_QUERY_INVALID");
    }

    @Test
    @Order(3)
    void theWitnessRefusesACheckpointNotSignedByThePartnerOrNotExtendingTheOneItHolds() throws Exception {
        KeyMaterial gbKey = exchange.pki.gateway("GB").load();
        KeyMaterial frKey = exchange.pki.gateway("FR").load();
        List<JsonNode> before = frCopiesOfGb();
        JsonNode held = before.get(before.size() - 1);
        long seq = held.get("seq").longValue();
        String root = held.get("merkleRoot").stringValue();
        CheckpointSigner gbSigns = new CheckpointSigner(gbKey, held.get("nodeId").stringValue());

        // signed with FR's key, naming GB's certificate: not GB's checkpoint
        Checkpoint byFr = new CheckpointSigner(frKey, "node-1").sign(seq + 500, "ab".repeat(32), "cd".repeat(32), Instant.now());
        assertWitnessRefused(checkpointMessage(new Checkpoint(byFr.seq(), byFr.headHash(), byFr.at(), byFr.nodeId(),
                byFr.algorithm(), byFr.signature(), gbSha256(), byFr.merkleRoot()), null), gbKey, 400,
                "WITNESS_SIGNATURE_INVALID");
        // GB's own signature, but a fork at the seq FR holds, a rollback before it, a jump past it without a proof
        assertWitnessRefused(checkpointMessage(gbSigns.sign(seq, "ab".repeat(32), root, Instant.now()), null), gbKey,
                409, "WITNESS_INCONSISTENT");
        assertWitnessRefused(checkpointMessage(gbSigns.sign(seq - 1, "ab".repeat(32), root, Instant.now()), null),
                gbKey, 409, "WITNESS_INCONSISTENT");
        assertWitnessRefused(checkpointMessage(gbSigns.sign(seq + 1000, "ab".repeat(32), "cd".repeat(32),
                Instant.now()), null), gbKey, 409, "WITNESS_INCONSISTENT");
        // a proof from the held checkpoint that does not hold
        assertWitnessRefused(checkpointMessage(gbSigns.sign(seq + 1000, "ab".repeat(32), "cd".repeat(32),
                Instant.now()), "<aud:Extends><aud:FromSeq>" + seq + "</aud:FromSeq><aud:FromMerkleRoot>" + root
                + "</aud:FromMerkleRoot><aud:Hash>" + "ef".repeat(32) + "</aud:Hash></aud:Extends>"), gbKey, 409,
                "WITNESS_INCONSISTENT");

        // nothing of it was kept: FR's copies at those seqs are still GB's real ones
        List<JsonNode> after = frCopiesOfGb();
        assertThat(after.stream().filter(c -> c.get("seq").longValue() == seq).findFirst().orElseThrow()
                .get("headHash").stringValue()).isEqualTo(held.get("headHash").stringValue());
        assertThat(seqs(after)).doesNotContain(seq + 500, seq + 1000);
    }

    private static String gbSha256() {
        return org.passerelle.security.Fingerprints.sha256(exchange.pki.gateway("GB").load().certificate());
    }

    /** An AuditCheckpoint envelope from GB to FR carrying the checkpoint (and the Extends element, when given). */
    private static byte[] checkpointMessage(Checkpoint c, String extendsXml) {
        Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String xml = """
                <?xml version="1.0" encoding="UTF-8"?>
                <env:Envelope xmlns:cmn="urn:passerelle:common:1" xmlns:env="urn:passerelle:envelope:1" \
                xmlns:aud="urn:passerelle:audit:1"><env:Header><cmn:MessageId>%s</cmn:MessageId>\
                <cmn:ConversationId>%s</cmn:ConversationId><cmn:From>GB</cmn:From><cmn:To>FR</cmn:To>\
                <cmn:CreatedAt>%s</cmn:CreatedAt><cmn:ExpiresAt>%s</cmn:ExpiresAt>\
                <cmn:MessageType>AuditCheckpoint</cmn:MessageType><cmn:SchemaVersion>1.0</cmn:SchemaVersion>\
                <cmn:TestIndicator>false</cmn:TestIndicator></env:Header><env:Body><aud:AuditCheckpoint>\
                <aud:Seq>%d</aud:Seq><aud:HeadHash>%s</aud:HeadHash><aud:MerkleRoot>%s</aud:MerkleRoot>\
                <aud:SignedAt>%s</aud:SignedAt><aud:NodeId>%s</aud:NodeId><aud:Algorithm>%s</aud:Algorithm>\
                <aud:CertificateSha256>%s</aud:CertificateSha256><aud:Signature>%s</aud:Signature>%s\
                </aud:AuditCheckpoint></env:Body></env:Envelope>""".formatted(UUID.randomUUID(), UUID.randomUUID(),
                now, now.plus(1, ChronoUnit.DAYS), c.seq(), c.headHash(), c.merkleRoot(), c.at(), c.nodeId(),
                c.algorithm(), c.certificateSha256(), java.util.Base64.getEncoder().encodeToString(c.signature()),
                extendsXml == null ? "" : extendsXml);
        return xml.getBytes(StandardCharsets.UTF_8);
    }

    private static void assertWitnessRefused(byte[] xml, KeyMaterial gbKey, int status, String code) {
        int audited = refusals(fr, code).size();
        byte[] cms = new CmsEncryptor().encrypt(new CmsSigner(gbKey).sign(xml),
                exchange.pki.gateway("FR").load().certificate());
        HttpResponse<byte[]> response = PartnerCall.post(exchange.pki, fr, gbKey,
                "application/pkcs7-mime; smime-type=enveloped-data", cms);
        assertThat(response.statusCode()).as(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo(status);
        assertThat(response.headers().firstValue("X-Passerelle-Fault")).hasValue(code);
        await().atMost(Duration.ofSeconds(10)).until(() -> refusals(fr, code).size() > audited);
    }

    @Test
    @Order(4)
    void aCheckpointReplacedByOneSignedWithTheNodesKeyOverAnotherHeadIsFoundAtItsSeq() throws Exception {
        // given GB's latest checkpoint replaced by one over another head hash, signed with GB's own key
        Map<String, Object> original = lastCheckpointRow();
        long seq = ((Number) original.get("seq")).longValue();
        CheckpointSigner key = new CheckpointSigner(exchange.pki.gateway("GB").load(), (String) original.get("node_id"));
        Checkpoint forged = key.sign(seq, "ab".repeat(32), (String) original.get("merkle_root"), Instant.now());
        long id = ((Number) original.get("id")).longValue();
        tamper(s -> setCheckpoint(s, id, forged.headHash(), forged.signature(),
                forged.at().atOffset(java.time.ZoneOffset.UTC)));
        try {
            JsonNode report = verify();
            assertBreak(report, seq, "CHECKPOINT_MISMATCH");
        } finally {
            tamper(s -> setCheckpoint(s, id, (String) original.get("head_hash"), (byte[]) original.get("signature"),
                    original.get("at")));
        }
        assertThat(verify().get("status").stringValue()).isEqualTo("VERIFIED");
    }

    @Test
    @Order(5)
    void theTailCutWithTheHeadRowResetIsFoundByTheWitnessAndThePartnerRefusesTheRolledBackLog() throws Exception {
        // given the entries from just before FR's latest copy on deleted, the local checkpoints over them too, and the
        // head row rewound to the last entry kept, so that the chain and its head agree
        await().atMost(Duration.ofSeconds(60)).until(() -> frCopiesOfGb().size() >= 4);
        List<JsonNode> copies = frCopiesOfGb();
        long latest = copies.get(copies.size() - 1).get("seq").longValue();
        long previous = copies.get(copies.size() - 2).get("seq").longValue();
        long keep = latest - 2;
        tamper(s -> {
            String hash;
            try (ResultSet rs = s.executeQuery("select hash from audit_event where seq = " + keep)) {
                assertThat(rs.next()).isTrue();
                hash = rs.getString(1);
            }
            s.executeUpdate("delete from audit_event where seq > " + keep);
            s.executeUpdate("delete from audit_checkpoint where seq > " + keep);
            s.executeUpdate("update audit_chain_head set seq = " + keep + ", hash = '" + hash + "' where id = 1");
        });

        // then GB's own verification is told by FR's copies: the chain ends before what FR witnessed (or, once GB has
        // sealed new entries past the cut, differs from it), at or before the first entry deleted
        JsonNode report = verify();
        JsonNode b = report.get("firstBreak");
        assertThat(report.get("status").stringValue()).as(report.toString()).isEqualTo("BROKEN");
        assertThat(b.get("kind").stringValue()).as(b.toString()).isIn("TRUNCATED", "WITNESS_MISMATCH");
        // WITNESS_MISMATCH just after the last copy that still agrees; TRUNCATED where the chain now ends
        assertThat(b.get("seq").longValue()).as(b.toString() + " copies " + seqs(copies)).isBetween(previous + 1, latest);
        assertThat(b.get("detail").stringValue()).contains("FR witnessed");
        // GB itself, still running, refuses to sign a checkpoint over a chain cut under it, and says so
        await().atMost(Duration.ofSeconds(30)).until(() -> !refusals(gb, "AUDIT_CHAIN_CHANGED").isEmpty());
        // Restarted (its memory of the chain gone), it signs the cut chain, but before sending it to FR it asks FR for
        // the latest checkpoint FR holds, finds that its log no longer extends it, sends nothing and says so
        // (FR's own refusal of a checkpoint that does not extend its copy is shown above, with forged messages)
        gb.restart();
        await().atMost(Duration.ofSeconds(60)).until(() -> audit(gb, "AUDIT_WITNESS_DISAGREES").size() > 0);
        assertThat(audit(gb, "AUDIT_WITNESS_DISAGREES").get(0).get("code").stringValue()).isEqualTo("WITNESS_INCONSISTENT");
        assertThat(verify().get("status").stringValue()).isEqualTo("BROKEN");
    }

    private static void setCheckpoint(Statement s, long id, String headHash, byte[] signature, Object at)
            throws SQLException {
        try (PreparedStatement p = s.getConnection().prepareStatement(
                "update audit_checkpoint set head_hash = ?, signature = ?, at = ? where id = ?")) {
            p.setString(1, headHash);
            p.setBytes(2, signature);
            p.setObject(3, at);
            p.setLong(4, id);
            p.executeUpdate();
        }
    }

    static List<Long> seqs(List<JsonNode> copies) {
        return copies.stream().map(c -> c.get("seq").longValue()).toList();
    }

    @Test
    @Order(6)
    void everythingWipedWithTheHeadResetAndANewHistorySignedWithTheNodesKeyIsFoundFromTheFirstEntry() throws Exception {
        // given every audit table emptied and the head reset to genesis: GB goes on sealing and signing a new
        // history from seq 1 with its own key, so its local checkpoints vouch for the new history
        tamper(s -> {
            s.executeUpdate("delete from audit_event");
            s.executeUpdate("delete from audit_checkpoint");
            s.executeUpdate("delete from audit_witness");
            s.executeUpdate("update audit_chain_head set seq = 0, hash = '" + "0".repeat(64) + "' where id = 1");
        });
        gb.restart();
        await().atMost(Duration.ofSeconds(30)).until(() -> lastCheckpointRow() != null);

        JsonNode report = verify();

        JsonNode b = report.get("firstBreak");
        assertThat(report.get("status").stringValue()).as(report.toString()).isEqualTo("BROKEN");
        assertThat(b.get("kind").stringValue()).as(b.toString()).isIn("TRUNCATED", "WITNESS_MISMATCH");
        long firstCopy = frCopiesOfGb().get(0).get("seq").longValue();
        if ("WITNESS_MISMATCH".equals(b.get("kind").stringValue())) {
            assertThat(b.get("seq").longValue()).isEqualTo(1);
        } else {
            assertThat(b.get("seq").longValue()).isLessThanOrEqualTo(firstCopy);
        }
        // Offline: the export alone verifies (the node signed it), with FR's copies it does not.
        Path export = export();
        assertThat(cli(export, null)).startsWith("0 OK");
        assertThat(cli(export, witnessFile())).startsWith("1 ").containsAnyOf("WITNESS_MISMATCH", "TRUNCATED");
    }

    // ----- helpers -----

    static JsonNode verify() {
        HttpResponse<String> response = gb.get("/api/v1/audit/verify", AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }

    static JsonNode witness(JsonNode report, String party) {
        for (JsonNode w : report.get("witnesses")) {
            if (party.equals(w.get("partner").stringValue())) {
                return w;
            }
        }
        throw new AssertionError("no witness " + party + " in " + report);
    }

    static void assertBreak(JsonNode report, long seq, String kind) {
        JsonNode b = report.get("firstBreak");
        assertThat(report.get("ok").booleanValue()).as(report.toString()).isFalse();
        assertThat(b.get("kind").stringValue()).as(b.toString()).isEqualTo(kind);
        assertThat(b.get("seq").longValue()).as(b.toString()).isEqualTo(seq);
    }

    /** FR's auditor's export of the checkpoints of GB's log that FR kept. */
    static List<JsonNode> frCopiesOfGb() {
        HttpResponse<String> response = fr.get("/api/v1/audit/witnessed?party=GB", AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            JsonNode n = JSON.readTree(line);
            if ("checkpoint".equals(n.get("type").stringValue())) {
                out.add(n);
            }
        }
        return out;
    }

    static Path witnessFile() throws Exception {
        Path file = Files.createTempFile(dir, "witnessed-", ".jsonl");
        Files.writeString(file, fr.get("/api/v1/audit/witnessed?party=GB", AUDITOR_TOKEN).body());
        return file;
    }

    static Path export() throws Exception {
        HttpResponse<String> response = gb.get("/api/v1/audit/export", AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        Path file = Files.createTempFile(dir, "audit-", ".jsonl");
        Files.writeString(file, response.body());
        return file;
    }

    /** Runs the offline verifier on GB's export (with FR's copies when given); answers "exit-code output". */
    static String cli(Path export, Path witnessed) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> args = new ArrayList<>(List.of(export.toString(),
                exchange.pki.gateway("GB").certificatePem().toString()));
        if (witnessed != null) {
            args.addAll(List.of("--witnessed", witnessed.toString()));
        }
        int code = VerifyExport.run(args.toArray(String[]::new), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return code + " " + out.toString(StandardCharsets.UTF_8).strip() + err.toString(StandardCharsets.UTF_8).strip();
    }

    static List<JsonNode> audit(Node node, String action) {
        HttpResponse<String> response = node.get("/api/v1/audit/entries?size=5&action=" + action, AUDITOR_TOKEN);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(response.body()).get("entries").forEach(out::add);
        return out;
    }

    static List<JsonNode> refusals(Node node, String code) {
        HttpResponse<String> response = node.get("/api/v1/audit/entries?size=200&outcome=REFUSED", AUDITOR_TOKEN);
        List<JsonNode> out = new ArrayList<>();
        JSON.readTree(response.body()).get("entries").forEach(e -> {
            if (code.equals(e.path("code").stringValue(null))) {
                out.add(e);
            }
        });
        return out;
    }

    static Map<String, Object> lastCheckpointRow() throws SQLException {
        try (Connection c = gb.bean(DataSource.class).getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select * from audit_checkpoint order by seq desc, id desc"
                     + " fetch first 1 rows only")) {
            if (!rs.next()) {
                return null;
            }
            Map<String, Object> row = new LinkedHashMap<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                String name = rs.getMetaData().getColumnName(i).toLowerCase();
                row.put(name, name.equals("at") ? rs.getObject(i, OffsetDateTime.class) : rs.getObject(i));
            }
            return row;
        }
    }

    private static void tamper(AuditTampering.Work work) throws SQLException {
        AuditTampering.tamper(gb, work);
    }
}
