package org.passerelle.security.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.testing.TestPki;
import org.passerelle.security.audit.ChainBreak.Kind;
import org.junit.jupiter.api.Test;

/**
 * Checkpoints witnessed by partners against a chain rewritten by someone who holds the whole database and the node's
 * key: local checkpoints re-signed over the rewrite verify, the partners' copies do not.
 */
class WitnessedCheckpointTest {

    private static final KeyMaterial GB = TestPki.shared().gateway("GB");
    private static final KeyMaterial FR = TestPki.shared().gateway("FR");
    private static final CheckpointSigner SIGNER = new CheckpointSigner(GB, "GB-1");

    private final List<AuditRecord> chain = Chains.chain(200);

    @Test
    void aChainThatAgreesWithEveryWitnessedCheckpointVerifiesAndSaysHowFarEachWitnessVouches() {
        ChainReport report = verify(chain, List.of(signed(chain, 150)),
                List.of(new Copy("FR", signed(chain, 100)), new Copy("FR", signed(chain, 150)),
                        new Copy("BE", signed(chain, 60))));

        assertThat(report.ok()).as(String.valueOf(report.firstBreak())).isTrue();
        assertThat(report.witnesses().get("FR")).isEqualTo(new ChainReport.Witness(2, 0, 150, 150));
        assertThat(report.witnesses().get("BE")).isEqualTo(new ChainReport.Witness(1, 0, 60, 60));
    }

    @Test
    void aTailTruncatedWithItsHeadAndCheckpointsRewrittenIsTruncatedAtTheFirstMissingSeq() {
        // given entries 121..200 deleted, the head reset to 120 and a checkpoint re-signed over it
        List<AuditRecord> kept = chain.subList(0, 120);
        ChainVerifier verifier = ChainVerifier.fromGenesis(List.of(GB.certificate()));
        verifier.checkpoint(signed(kept, 120));
        verifier.witnessed(signed(chain, 100), "FR");
        verifier.witnessed(signed(chain, 180), "FR");
        kept.forEach(verifier::entry);

        // when
        ChainReport report = verifier.finish(120, kept.get(119).hash());

        // then
        assertBreak(report, 121, Kind.TRUNCATED);
        assertThat(report.firstBreak().detail()).contains("FR witnessed").contains("seq 180");
    }

    @Test
    void aWholeLogReplacedAndReSignedWithTheNodesKeyIsFoundByTheWitnessesAtItsFirstEntry() {
        // given everything wiped and a new history of 250 entries sealed and checkpointed with the node's own key
        List<AuditRecord> forged = rewritten(chain, 1, 250);

        ChainReport report = verify(forged, List.of(signed(forged, 200), signed(forged, 250)),
                List.of(new Copy("FR", signed(chain, 100)), new Copy("FR", signed(chain, 200))));

        assertBreak(report, 1, Kind.WITNESS_MISMATCH);
        assertThat(report.firstBreak().detail()).contains("FR witnessed").contains("seq 100");
        // Without the witnesses, the forgery verifies: this is what the witnesses are for.
        assertThat(verify(forged, List.of(signed(forged, 200), signed(forged, 250)), List.of()).verified()).isTrue();
    }

    @Test
    void aRewriteFromTheMiddleIsLocatedBetweenTheLastWitnessedCheckpointThatAgreesAndTheFirstThatDoesNot() {
        // given entries from seq 131 on rewritten and re-hashed, local checkpoints re-signed
        List<AuditRecord> forged = rewritten(chain, 131, 200);

        ChainReport report = verify(forged, List.of(signed(forged, 200)),
                List.of(new Copy("FR", signed(chain, 50)), new Copy("FR", signed(chain, 120)),
                        new Copy("FR", signed(chain, 160)), new Copy("FR", signed(chain, 200))));

        assertBreak(report, 121, Kind.WITNESS_MISMATCH);
        assertThat(report.firstBreak().detail()).contains("from seq 121 to seq 160").contains("seq 120 and before");
        assertThat(report.witnesses().get("FR").agreedUpTo()).isEqualTo(120);
    }

    @Test
    void aWitnessedMerkleRootThatDiffersIsAMismatchEvenWhenTheHeadHashAgrees() {
        Checkpoint genuine = signed(chain, 100);
        Checkpoint otherRoot = SIGNER.sign(100, genuine.headHash(), "00".repeat(32), genuine.at());

        ChainReport report = verify(chain, List.of(), List.of(new Copy("FR", otherRoot)));

        assertBreak(report, 1, Kind.WITNESS_MISMATCH);
        assertThat(report.firstBreak().detail()).contains("Merkle root");
    }

    @Test
    void aCopyThatDoesNotCarryTheNodesSignatureIsRejectedAndIgnored() {
        // given a "witness" that offers a checkpoint over seq 500 signed by FR's key, and one with GB's name but no
        // valid signature: neither can accuse the log of anything
        CheckpointSigner fr = new CheckpointSigner(FR, "FR-1");
        Checkpoint byFr = fr.sign(500, chain.get(199).hash(), "11".repeat(32), Chains.START);
        Checkpoint good = signed(chain, 100);
        Checkpoint tampered = new Checkpoint(good.seq(), "ff".repeat(32), good.at(), good.nodeId(), good.algorithm(),
                good.signature(), good.certificateSha256(), good.merkleRoot());

        ChainReport report = verify(chain, List.of(), List.of(new Copy("FR", byFr), new Copy("FR", tampered)));

        assertThat(report.ok()).isTrue();
        assertThat(report.witnesses().get("FR")).isEqualTo(new ChainReport.Witness(2, 2, 0, 0));
    }

    @Test
    void aWitnessedCheckpointSignedBeforeAKeyRolloverStillVouchesWithTheEarlierCertificate() {
        KeyMaterial next = TestPki.shared().issuedByRootCa("GB", TestPki.gatewayTemplate("GB"));
        Checkpoint old = signed(chain, 100);
        Checkpoint recent = new CheckpointSigner(next, "GB-1").sign(200, chain.get(199).hash(),
                root(chain, 200), Chains.START.plusSeconds(200));

        ChainVerifier verifier = ChainVerifier.fromGenesis(List.of(next.certificate(), GB.certificate()));
        verifier.witnessed(old, "FR");
        verifier.witnessed(recent, "FR");
        chain.forEach(verifier::entry);
        ChainReport report = verifier.finish();

        assertThat(report.ok()).isTrue();
        assertThat(report.witnesses().get("FR")).isEqualTo(new ChainReport.Witness(2, 0, 200, 200));
    }

    // ----- helpers -----

    private record Copy(String witness, Checkpoint checkpoint) {
    }

    /** The chain with entries from {@code from} on replaced by other content, re-sealed, up to {@code length}. */
    private static List<AuditRecord> rewritten(List<AuditRecord> original, int from, int length) {
        List<AuditRecord> out = new ArrayList<>(original.subList(0, from - 1));
        String prev = from == 1 ? ChainHash.GENESIS : original.get(from - 2).hash();
        for (int i = from; i <= length; i++) {
            AuditRecord sealed = ChainHash.seal(Chains.withDetail(Chains.unsealed(i), "rewritten " + i), i, prev);
            out.add(sealed);
            prev = sealed.hash();
        }
        return out;
    }

    private static String root(List<AuditRecord> entries, int seq) {
        MerkleTree tree = new MerkleTree();
        entries.subList(0, seq).forEach(e -> tree.append(HexFormat.of().parseHex(e.hash())));
        return HexFormat.of().formatHex(tree.root(seq));
    }

    private static Checkpoint signed(List<AuditRecord> entries, int seq) {
        return SIGNER.sign(seq, entries.get(seq - 1).hash(), root(entries, seq), Chains.START.plusSeconds(seq));
    }

    private static ChainReport verify(List<AuditRecord> entries, List<Checkpoint> checkpoints, List<Copy> copies) {
        ChainVerifier verifier = ChainVerifier.fromGenesis(List.of(GB.certificate()));
        checkpoints.forEach(verifier::checkpoint);
        copies.forEach(c -> verifier.witnessed(c.checkpoint(), c.witness()));
        entries.forEach(verifier::entry);
        AuditRecord last = entries.get(entries.size() - 1);
        return verifier.finish(last.seq(), last.hash());
    }

    private static void assertBreak(ChainReport report, long seq, Kind kind) {
        assertThat(report.firstBreak()).as("first break").isNotNull();
        assertThat(report.firstBreak().kind()).as(report.firstBreak().detail()).isEqualTo(kind);
        assertThat(report.firstBreak().seq()).as(report.firstBreak().detail()).isEqualTo(seq);
    }
}
