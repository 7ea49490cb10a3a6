package org.passerelle.security.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.passerelle.security.KeyMaterial;
import org.passerelle.security.audit.ChainBreak.Kind;
import org.passerelle.security.testing.TestPki;

/** Checkpoints of format 2 sign the Merkle root of entries 1..seq; those of format 1 still verify. */
class MerkleCheckpointTest {

    private static final HexFormat HEX = HexFormat.of();
    private static final KeyMaterial GB = TestPki.shared().gateway("GB");
    private static final CheckpointSigner SIGNER = new CheckpointSigner(GB, "GB-1");

    private final List<AuditRecord> chain = Chains.chain(100);

    private String rootOf(int n) {
        MerkleTree tree = new MerkleTree();
        chain.subList(0, n).forEach(e -> tree.append(HEX.parseHex(e.hash())));
        return HEX.formatHex(tree.root(n));
    }

    private Checkpoint v2At(int seq) {
        return SIGNER.sign(seq, chain.get(seq - 1).hash(), rootOf(seq), Chains.START.plusSeconds(seq));
    }

    @Test
    void aCheckpointWithARootIsFormat2AndVerifiesInTheChain() {
        // given
        Checkpoint c = v2At(60);
        // when
        ChainReport report = verify(List.of(c, SIGNER.sign(80, chain.get(79).hash(), Chains.START)));
        // then
        assertThat(c.format()).isEqualTo(2);
        assertThat(new String(c.toBeSigned(), 0, 29, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("passerelle-audit-checkpoint/2");
        assertThat(c.verify(GB.certificate())).isTrue();
        assertThat(report.ok()).as(String.valueOf(report.firstBreak())).isTrue();
        assertThat(report.lastCheckpoint().seq()).isEqualTo(80);
    }

    @Test
    void aFormat1CheckpointStillVerifiesWithItsOwnDomain() {
        // given
        Checkpoint old = SIGNER.sign(40, chain.get(39).hash(), Chains.START);
        // then
        assertThat(old.format()).isEqualTo(1);
        assertThat(new String(old.toBeSigned(), 0, 29, java.nio.charset.StandardCharsets.US_ASCII))
                .isEqualTo("passerelle-audit-checkpoint/1");
        assertThat(old.verify(GB.certificate())).isTrue();
        assertThat(verify(List.of(old)).ok()).isTrue();
    }

    @Test
    void aFormat2CheckpointWithItsRootStrippedOrChangedIsForged() {
        // given
        Checkpoint c = v2At(60);
        Checkpoint stripped = new Checkpoint(c.seq(), c.headHash(), c.at(), c.nodeId(), c.algorithm(), c.signature(),
                c.certificateSha256(), null);
        Checkpoint changed = new Checkpoint(c.seq(), c.headHash(), c.at(), c.nodeId(), c.algorithm(), c.signature(),
                c.certificateSha256(), rootOf(59));
        // then
        assertThat(stripped.verify(GB.certificate())).isFalse();
        assertThat(changed.verify(GB.certificate())).isFalse();
        assertBreak(verify(List.of(stripped)), 60, Kind.CHECKPOINT_FORGED);
    }

    @Test
    void aSignedRootThatIsNotTheRootOfTheEntriesIsAMismatchAtItsSeq() {
        // given a node that signed the right head hash but the root of one entry fewer
        Checkpoint wrongRoot = SIGNER.sign(60, chain.get(59).hash(), rootOf(59), Chains.START);
        // when
        ChainReport report = verify(List.of(wrongRoot));
        // then
        assertBreak(report, 60, Kind.CHECKPOINT_MISMATCH);
        assertThat(report.firstBreak().detail()).contains("Merkle root");
    }

    @Test
    void theFrontierRootAtEachCheckpointEqualsTheFullTreesRoot() {
        // given every seq checkpointed
        List<Checkpoint> all = chain.stream().map(e -> v2At((int) e.seq())).toList();
        // when
        ChainReport report = verify(all);
        // then
        assertThat(report.ok()).as(String.valueOf(report.firstBreak())).isTrue();
        assertThat(report.checkpoints()).isEqualTo(100);
    }

    @Test
    void aChainPrunedUpToASignedCheckpointVerifiesFromItsFrontier() {
        // given entries 1..64 pruned, anchored by the checkpoint at 64 and its frontier
        Checkpoint anchor = v2At(64);
        ChainVerifier verifier = ChainVerifier.afterPrune(anchor, frontierOf(64), List.of(GB.certificate()));
        verifier.checkpoint(v2At(90));
        // when
        chain.subList(64, 100).forEach(verifier::entry);
        ChainReport report = verifier.finish(100, chain.get(99).hash());
        // then the later checkpoint's Merkle root is checked too
        assertThat(report.ok()).as(String.valueOf(report.firstBreak())).isTrue();
        assertThat(report.lastCheckpoint().seq()).isEqualTo(90);
    }

    @Test
    void aPrunedChainMissingItsFirstKeptEntryOrWithAForgedFrontierOrAnchorIsBroken() {
        // given entry 65 deleted along with the pruned prefix
        ChainVerifier cut = ChainVerifier.afterPrune(v2At(64), frontierOf(64), List.of(GB.certificate()));
        chain.subList(65, 100).forEach(cut::entry);
        assertThat(cut.finish(100, chain.get(99).hash()).firstBreak()).isNotNull()
                .extracting(ChainBreak::seq).isEqualTo(65L);
        // given a frontier that is not the prefix's
        List<byte[]> other = frontierOf(64).stream().map(h -> {
            byte[] x = h.clone();
            x[0] ^= 1;
            return x;
        }).toList();
        ChainVerifier wrongFrontier = ChainVerifier.afterPrune(v2At(64), other, List.of(GB.certificate()));
        chain.subList(64, 100).forEach(wrongFrontier::entry);
        assertBreak(wrongFrontier.finish(), 64, Kind.CHECKPOINT_MISMATCH);
        // given an anchor signed by another key
        Checkpoint foreign = new CheckpointSigner(TestPki.shared().gateway("FR"), "FR-1")
                .sign(64, chain.get(63).hash(), rootOf(64), Chains.START);
        ChainVerifier forged = ChainVerifier.afterPrune(foreign, frontierOf(64), List.of(GB.certificate()));
        chain.subList(64, 100).forEach(forged::entry);
        assertThat(forged.finish().firstBreak()).isNotNull().extracting(ChainBreak::seq).isEqualTo(64L);
    }

    private List<byte[]> frontierOf(int n) {
        MerkleTree tree = new MerkleTree();
        chain.subList(0, n).forEach(e -> tree.append(HEX.parseHex(e.hash())));
        return MerkleTree.frontier(n, tree.subtrees(null));
    }

    private ChainReport verify(List<Checkpoint> checkpoints) {
        ChainVerifier verifier = ChainVerifier.fromGenesis(GB.certificate());
        checkpoints.forEach(verifier::checkpoint);
        chain.forEach(verifier::entry);
        return verifier.finish();
    }

    private static void assertBreak(ChainReport report, long seq, Kind kind) {
        assertThat(report.firstBreak()).as("first break").isNotNull();
        assertThat(report.firstBreak().kind()).as(report.firstBreak().detail()).isEqualTo(kind);
        assertThat(report.firstBreak().seq()).isEqualTo(seq);
    }
}
