package org.passerelle.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.audit.Checkpoint;
import org.passerelle.security.audit.CheckpointSigner;
import org.passerelle.security.audit.MerkleTree;
import org.passerelle.security.testing.TestPki;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Inclusion and consistency proofs from a node's own audit log (H2), checked offline with only the node certificate;
 * forged proofs refused with their reason.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
class AuditProofTest {

    @TempDir
    static Path data;

    @TempDir
    Path dir;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
    }

    @Autowired
    AuditTrail audit;

    @Autowired
    AuditCheckpoints checkpoints;

    @Autowired
    AuditReading reading;

    @Autowired
    AuditLog log;

    @Autowired
    CheckpointSigner signer;

    @Autowired
    JdbcTemplate jdbc;

    private Checkpoint grow(int entries) {
        for (int i = 0; i < entries; i++) {
            audit.record(AuditTrail.Entry.of("svc-" + i, AuditChannel.API, AuditAction.MESSAGE_ACCEPTED, AuditOutcome.OK)
                    .message("m-" + i, "T", null));
        }
        return checkpoints.checkpointNow().orElseThrow();
    }

    @Test
    void aNodesCheckpointSignsTheMerkleRootOfItsEntriesAndTheChainVerifiesIt() {
        // given
        Checkpoint c = grow(300);
        // when
        MerkleTree all = new MerkleTree();
        jdbc.queryForList("select hash from audit_event where seq <= ? order by seq", String.class, c.seq())
                .forEach(h -> all.append(HexFormat.of().parseHex(h)));
        // then
        assertThat(c.format()).isEqualTo(2);
        assertThat(c.merkleRoot()).isEqualTo(HexFormat.of().formatHex(all.root(c.seq())));
        assertThat(jdbc.queryForObject("select merkle_root from audit_checkpoint where seq = ?", String.class, c.seq()))
                .isEqualTo(c.merkleRoot());
        assertThat(log.verify().ok()).isTrue();
    }

    @Test
    void everyEntrysProofFromTheNodeVerifiesOfflineWithOnlyTheNodeCertificate() throws Exception {
        // given
        Checkpoint c = grow(270);
        for (long seq = 1; seq <= c.seq(); seq += 37) {
            // when
            Path proof = write(reading.proof(seq, c.seq(), AuditChannel.API));
            // then
            assertThat(run(proof)).isEqualTo("0 OK entry " + seq + " is in the log as of checkpoint " + c.seq());
        }
        assertThat(run(write(reading.proof(c.seq(), c.seq(), AuditChannel.API)))).startsWith("0 OK entry " + c.seq());
    }

    @Test
    void withoutACheckpointNamedTheEarliestRootedCheckpointCoveringTheEntryIsUsedAndTheCallIsAudited() throws Exception {
        // given
        Checkpoint first = grow(10);
        grow(10);
        // when
        JsonNode proof = ExportFormat.JSON.readTree(reading.proof(first.seq() - 3, null, AuditChannel.API));
        // then
        assertThat(proof.get("checkpoint").get("seq").longValue()).isEqualTo(first.seq());
        assertThat(proof.get("treeSize").longValue()).isEqualTo(first.seq());
        assertThat(proof.get("leafIndex").longValue()).isEqualTo(first.seq() - 4);
        assertThat(audit.latest(3)).anySatisfy(e -> {
            assertThat(e.action()).isEqualTo("AUDIT_PROOF");
            assertThat(e.detail()).isEqualTo("seq " + (first.seq() - 3) + " against checkpoint " + first.seq());
        });
    }

    @Test
    void anEntryFieldChangedInTheProofIsRefused() throws Exception {
        // given
        Checkpoint c = grow(40);
        ObjectNode proof = (ObjectNode) ExportFormat.JSON.readTree(reading.proof(5, c.seq(), AuditChannel.API));
        // when
        ((ObjectNode) proof.get("entry")).put("actor", "someone else");
        // then
        assertThat(run(write(proof.toString()))).isEqualTo("1 entry 5: REFUSED its fields do not hash to its chain hash"
                + " (the entry was altered)");
    }

    @Test
    void aFlippedAuditPathElementIsRefused() throws Exception {
        // given
        Checkpoint c = grow(40);
        ObjectNode proof = (ObjectNode) ExportFormat.JSON.readTree(reading.proof(5, c.seq(), AuditChannel.API));
        ArrayNode path = (ArrayNode) proof.get("auditPath");
        String first = path.get(0).stringValue();
        // when
        path.set(0, (first.charAt(0) == '0' ? "1" : "0") + first.substring(1));
        // then
        assertThat(run(write(proof.toString()))).isEqualTo("1 entry 5: REFUSED the audit path does not lead from the"
                + " entry to the Merkle root checkpoint " + c.seq() + " signed");
    }

    @Test
    void aCheckpointSignedWithAnotherKeyIsRefusedWhicheverCertificateItNames() throws Exception {
        // given a checkpoint over the same head and root signed by another key of the same CA
        Checkpoint c = grow(40);
        KeyMaterial other = TestPki.shared().issuedByRootCa("GB", TestPki.gatewayTemplate("GB"));
        Checkpoint forged = new CheckpointSigner(other, c.nodeId()).sign(c.seq(), c.headHash(), c.merkleRoot(), c.at());
        ObjectNode proof = (ObjectNode) ExportFormat.JSON.readTree(reading.proof(5, c.seq(), AuditChannel.API));
        // when it names its own certificate, then the node's
        proof.set("checkpoint", ExportFormat.JSON.valueToTree(ExportFormat.map(forged)));
        String ownName = run(write(proof.toString()));
        ((ObjectNode) proof.get("checkpoint")).put("certificateSha256", c.certificateSha256());
        String nodesName = run(write(proof.toString()));
        // then
        assertThat(ownName).startsWith("1 checkpoint " + c.seq() + ": REFUSED it was signed with the certificate whose"
                + " SHA-256 is " + forged.certificateSha256());
        assertThat(nodesName).isEqualTo("1 checkpoint " + c.seq() + ": REFUSED it does not carry the node's signature");
    }

    @Test
    void aProofForAnotherLeafOrTreeSizeIsRefused() throws Exception {
        // given
        Checkpoint c = grow(40);
        ObjectNode proof = (ObjectNode) ExportFormat.JSON.readTree(reading.proof(5, c.seq(), AuditChannel.API));
        ObjectNode otherEntry = (ObjectNode) ExportFormat.JSON.readTree(reading.proof(6, c.seq(), AuditChannel.API)).get("entry");
        // when
        ObjectNode wrongLeaf = proof.deepCopy();
        wrongLeaf.set("entry", otherEntry);
        wrongLeaf.put("leafIndex", 5);
        ObjectNode wrongSize = proof.deepCopy();
        wrongSize.put("treeSize", c.seq() + 1);
        // then
        assertThat(run(write(wrongLeaf.toString()))).startsWith("1 entry 6: REFUSED the audit path does not lead");
        assertThat(run(write(wrongSize.toString()))).startsWith("1 entry 5: REFUSED the proof is for a tree of");
    }

    @Test
    void aConsistencyProofBetweenTwoCheckpointsVerifiesOfflineAndAForgedOneIsRefused() throws Exception {
        // given
        Checkpoint a = grow(25);
        Checkpoint b = grow(40);
        String proof = reading.consistency(a.seq(), b.seq(), AuditChannel.API);
        // when
        ObjectNode forged = (ObjectNode) ExportFormat.JSON.readTree(proof);
        ArrayNode hashes = (ArrayNode) forged.get("proof");
        String last = hashes.get(hashes.size() - 1).stringValue();
        hashes.set(hashes.size() - 1, last.substring(0, 63) + (last.endsWith("0") ? "1" : "0"));
        // then
        assertThat(run(write(proof))).isEqualTo("0 OK checkpoint " + b.seq() + " extends checkpoint " + a.seq());
        assertThat(run(write(forged.toString()))).isEqualTo("1 checkpoint " + b.seq() + ": REFUSED the proof does not"
                + " show its tree extends the tree of checkpoint " + a.seq());
    }

    @Test
    void wrongRequestsAreRefusedWithStableCodes() {
        // given
        Checkpoint c = grow(5);
        // then
        assertThat(code(() -> reading.proof(0, c.seq(), AuditChannel.API))).isEqualTo(GatewayErrorCode.AUDIT_QUERY_INVALID);
        assertThat(code(() -> reading.proof(c.seq(), c.seq() - 1, AuditChannel.API)))
                .isEqualTo(GatewayErrorCode.AUDIT_QUERY_INVALID);
        assertThat(code(() -> reading.proof(1, c.seq() + 1_000_000, AuditChannel.API)))
                .isEqualTo(GatewayErrorCode.AUDIT_CHECKPOINT_NOT_FOUND);
        assertThat(code(() -> reading.proof(c.seq() + 1_000_000, null, AuditChannel.API)))
                .isEqualTo(GatewayErrorCode.AUDIT_ENTRY_NOT_FOUND);
        assertThat(code(() -> reading.consistency(c.seq(), 1, AuditChannel.API))).isEqualTo(GatewayErrorCode.AUDIT_QUERY_INVALID);
    }

    @Test
    void aProofOverAnEntryGoneFromTheChainIsRefusedAsBrokenAndNotComputedAroundTheGap() {
        // given a checkpoint over entries in a complete block of the tree, which a proof reads back from the database
        // (the tree keeps in memory only its incomplete last block and the levels above its blocks)
        Checkpoint c = grow((1 << AuditMerkle.KEPT_FROM_LEVEL) * 2);
        long gone = c.seq() - (1 << AuditMerkle.KEPT_FROM_LEVEL) - 40;
        Map<String, Object> row = jdbc.queryForMap("select * from audit_event where seq = ?", gone);
        // (as whoever holds the database: the append-only trigger is dropped for the deletion and put back after)
        jdbc.execute("drop trigger audit_event_append_only");
        jdbc.update("delete from audit_event where seq = ?", gone);
        try {
            // then a proof that needs the missing entry's hash is refused, never built from what is left
            assertThat(code(() -> reading.proof(gone + 1, c.seq(), AuditChannel.API)))
                    .isEqualTo(GatewayErrorCode.AUDIT_CHAIN_BROKEN);
        } finally {
            String columns = String.join(", ", row.keySet());
            String marks = String.join(", ", java.util.Collections.nCopies(row.size(), "?"));
            jdbc.update("insert into audit_event (" + columns + ") values (" + marks + ")", row.values().toArray());
            jdbc.execute("create trigger audit_event_append_only before update, delete on audit_event"
                    + " for each row call 'org.passerelle.gateway.audit.AppendOnlyTrigger'");
        }
        // and once the entry is back, the same proof is given
        assertThat(reading.proof(gone + 1, c.seq(), AuditChannel.API)).contains("\"auditPath\"");
    }

    @Test
    void unreadableProofsExitTwo() throws Exception {
        assertThat(run(write("not json"))).startsWith("2 cannot read the proof");
        assertThat(run(write("{\"format\":\"something else\"}"))).startsWith("2 cannot read the proof");
    }

    private static GatewayErrorCode code(Runnable call) {
        try {
            call.run();
        } catch (GatewayException e) {
            return GatewayErrorCode.valueOf(e.code().name());
        }
        throw new AssertionError("not refused");
    }

    private Path write(String json) throws Exception {
        Path file = Files.createTempFile(dir, "proof-", ".json");
        Files.writeString(file, json);
        return file;
    }

    /** Runs the offline check with the node's certificate only; answers "exit-code output" (first line). */
    private String run(Path proof) throws Exception {
        Path cert = dir.resolve("node-cert.pem");
        Files.writeString(cert, ExportFormat.pem(signer.certificate()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = VerifyProof.run(new String[] {proof.toString(), cert.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(out, true, StandardCharsets.UTF_8));
        String text = out.toString(StandardCharsets.UTF_8).strip();
        // The OK line names the signing time and certificate after the sentence: compare the sentence.
        return code + " " + (code == 0 && text.contains(" (signed ") ? text.substring(0, text.indexOf(" (signed ")) : text);
    }
}
