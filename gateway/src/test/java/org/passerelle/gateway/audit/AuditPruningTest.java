package org.passerelle.gateway.audit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;
import org.passerelle.gateway.MovableClock;
import org.passerelle.gateway.NodeTestSupport;
import org.passerelle.gateway.error.GatewayErrorCode;
import org.passerelle.gateway.error.GatewayException;
import org.passerelle.security.audit.Checkpoint;
import org.passerelle.security.audit.MerkleTree;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The audit log's retention on the embedded database: the chain's start older than the retention is pruned, up to a
 * checkpoint signed for it with the Merkle frontier kept, and the chain still verifies, with its later checkpoints'
 * roots and proofs as before; nothing younger than a year and nothing past the prune record can be deleted, even by
 * hand; asking for a pruned entry is answered AUDIT_ENTRIES_PRUNED. The node's clock starts 400 days back, so the
 * entries recorded at first are old for the database too.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.NONE)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AuditPruningTest {

    static final Duration BACK = Duration.ofDays(400);
    static final Duration KEEP = Duration.ofDays(380);

    @TempDir
    static Path data;

    @DynamicPropertySource
    static void node(DynamicPropertyRegistry r) {
        NodeTestSupport.gbNode(r, data);
        r.add("passerelle.retention.enabled", () -> false);
    }

    @TestConfiguration
    static class Clocks {
        @Bean
        @Primary
        MovableClock movableClock() {
            MovableClock clock = new MovableClock();
            clock.advance(BACK.negated());
            return clock;
        }
    }

    @Autowired
    AuditTrail audit;
    @Autowired
    AuditCheckpoints checkpoints;
    @Autowired
    AuditPruning pruning;
    @Autowired
    AuditReading reading;
    @Autowired
    AuditLog log;
    @Autowired
    AuditMerkle merkle;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    MovableClock clock;

    private void record(int entries, String prefix) {
        for (int i = 0; i < entries; i++) {
            audit.record(AuditTrail.Entry.of("svc", AuditChannel.API, AuditAction.MESSAGE_ACCEPTED, AuditOutcome.OK)
                    .message(prefix + i, "T", null));
        }
    }

    @Test
    @Order(1)
    void theChainsStartOlderThanTheRetentionIsPrunedUpToASignedCheckpointAndTheChainStillVerifies() {
        // given 800 entries recorded 400 days ago (a prefix of 768: a frontier of two subtrees), checkpointed, and 100
        // recorded today
        record(800, "old-");
        Checkpoint before = checkpoints.checkpointNow().orElseThrow();
        clock.advance(BACK);
        record(100, "new-");
        Checkpoint today = checkpoints.checkpointNow().orElseThrow();
        String rootToday = merkle.root(today.seq());
        List<String> proofOfLast = merkle.inclusionProof(today.seq(), today.seq());

        // when
        AuditPruning.Pruned pruned = pruning.prune(KEEP);

        // then the prefix ends on the last multiple of 256 entries that are all old, and is gone
        long upTo = before.seq() / 256 * 256;
        assertThat(upTo).isEqualTo(768);
        assertThat(pruned.upToSeq()).isEqualTo(upTo);
        assertThat(jdbc.queryForObject("select frontier from audit_pruned", String.class).split(",")).hasSize(2);
        assertThat(pruned.deleted()).isEqualTo(upTo);
        assertThat(jdbc.queryForObject("select min(seq) from audit_event", Long.class)).isEqualTo(upTo + 1);
        // a checkpoint signed at it anchors the rest; the chain verifies, every checkpoint after it included
        assertThat(log.checkpointAt(upTo)).isPresent();
        var report = log.verify();
        assertThat(report.ok()).as(String.valueOf(report.firstBreak())).isTrue();
        assertThat(report.lastCheckpoint().seq()).isGreaterThanOrEqualTo(today.seq());
        // the prune is in the chain itself
        assertThat(jdbc.queryForObject("select detail from audit_event where action = 'AUDIT_PRUNED'", String.class))
                .startsWith("entries 1 to " + upTo + " ");
        // roots and proofs after the prefix are unchanged
        assertThat(merkle.root(today.seq())).isEqualTo(rootToday);
        assertThat(merkle.inclusionProof(today.seq(), today.seq())).isEqualTo(proofOfLast);
        // a second prune has nothing new to take
        assertThat(pruning.prune(KEEP)).isEqualTo(new AuditPruning.Pruned(upTo, 0));
    }

    @Test
    @Order(2)
    void aNodeStartedAfterThePruneBuildsItsTreeFromTheFrontierAndProvesWhatIsKept() throws Exception {
        // given a tree built from the database as a node started now would
        AuditMerkle restarted = new AuditMerkle(jdbc);
        long head = log.head();
        Checkpoint latest = checkpoints.checkpointNow().orElseGet(() -> log.checkpointAt(head).orElseThrow());
        // when / then it gives the root the checkpoint signed, and a proof of a kept entry that verifies
        assertThat(restarted.root(latest.seq())).isEqualTo(latest.merkleRoot());
        long kept = pruning.prunedUpTo() + 1;
        JsonNode proof = ExportFormat.JSON.readTree(reading.proof(kept, latest.seq(), AuditChannel.API));
        List<byte[]> path = new java.util.ArrayList<>();
        proof.get("auditPath").forEach(h -> path.add(java.util.HexFormat.of().parseHex(h.asString())));
        String hash = log.entry(kept).orElseThrow().hash();
        assertThat(MerkleTree.verifyInclusion(kept - 1, latest.seq(),
                MerkleTree.leafHash(java.util.HexFormat.of().parseHex(hash)), path,
                java.util.HexFormat.of().parseHex(latest.merkleRoot()))).isTrue();
    }

    @Test
    @Order(3)
    void aPrunedEntryIsAnsweredAsPrunedAndAnExportStartsAfterThePrefix() throws Exception {
        long upTo = pruning.prunedUpTo();
        assertThatThrownBy(() -> reading.proof(upTo, null, AuditChannel.API)).isInstanceOf(GatewayException.class)
                .extracting(e -> ((GatewayException) e).code()).isEqualTo(GatewayErrorCode.AUDIT_ENTRIES_PRUNED);
        assertThatThrownBy(() -> reading.exportRange(1L, null, null, null, AuditChannel.API))
                .extracting(e -> ((GatewayException) e).code()).isEqualTo(GatewayErrorCode.AUDIT_ENTRIES_PRUNED);
        // an export of the whole log starts at the first kept entry, with the anchoring checkpoint, and verifies
        AuditReading.Range range = reading.exportRange(null, null, null, null, AuditChannel.API);
        assertThat(range.first()).isEqualTo(upTo + 1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        reading.export(range, out);
        Path file = data.resolve("pruned-export.jsonl");
        java.nio.file.Files.write(file, out.toByteArray());
        assertThat(VerifyExport.verify(file, List.of(
                org.passerelle.security.testing.TestPki.shared().gateway("GB").certificate())).ok()).isTrue();
        // the verification the auditors read says where the chain now starts
        assertThat(reading.verify(AuditChannel.API).pruned().upToSeq()).isEqualTo(upTo);
    }

    @Test
    @Order(4)
    void theDatabaseRefusesToDeleteAnEntryPastThePruneOrYoungerThanAYearEvenByHand() {
        long upTo = pruning.prunedUpTo();
        long head = log.head();
        // past the prune record: old enough, but not pruned
        assertThatThrownBy(() -> jdbc.update("delete from audit_event where seq = ?", upTo + 1))
                .hasStackTraceContaining("append-only");
        // a prune record stretched by hand over today's entries still cannot delete them
        jdbc.update("""
                insert into audit_pruned (up_to_seq, head_hash, merkle_root, frontier, pruned_at, node_id, kept_for_days)
                values (?, 'x', 'x', '', current_timestamp, 'intruder', 0)""", head);
        assertThatThrownBy(() -> jdbc.queryForObject("select audit_prune_range(?, ?)", Long.class, head, head))
                .hasStackTraceContaining("append-only");
        assertThat(jdbc.queryForObject("select count(*) from audit_event where seq = ?", Long.class, head)).isOne();
        // and the prune records themselves cannot be changed
        assertThatThrownBy(() -> jdbc.update("delete from audit_pruned where node_id = 'intruder'"))
                .hasStackTraceContaining("append-only");
    }
}
