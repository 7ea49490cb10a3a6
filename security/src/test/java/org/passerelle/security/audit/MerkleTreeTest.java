package org.passerelle.security.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {

    private static final int MAX = 33;
    private static final HexFormat HEX = HexFormat.of();

    /** Leaf data as the audit log uses it: 32-byte chain hashes, here of their index. */
    private static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(sha256(("entry " + i).getBytes(StandardCharsets.UTF_8)));
        }
        return out;
    }

    private static MerkleTree tree(List<byte[]> leaves) {
        MerkleTree t = new MerkleTree();
        leaves.forEach(t::append);
        return t;
    }

    /** RFC 9162's MTH written out as the RFC states it, with no shortcut: the reference the tree is compared with. */
    private static byte[] referenceMth(List<byte[]> d) {
        if (d.isEmpty()) {
            return sha256(new byte[0]);
        }
        if (d.size() == 1) {
            return sha256(concat(new byte[] {0}, d.get(0)));
        }
        int k = 1;
        while (k * 2 < d.size()) {
            k *= 2;
        }
        return sha256(concat(new byte[] {1}, referenceMth(d.subList(0, k)), referenceMth(d.subList(k, d.size()))));
    }

    @Test
    void rootsOfSmallTreesEqualTheRfcsRecursiveDefinition() {
        for (int n = 0; n <= 8; n++) {
            // given
            List<byte[]> d = leaves(n);
            // when
            MerkleTree t = tree(d);
            // then
            assertThat(t.root(n)).as("MTH of %d leaves", n).isEqualTo(referenceMth(d));
        }
    }

    @Test
    void theRootOfEveryPrefixEqualsTheRecursiveDefinitionAlsoWhenOnlyUpperLevelsAreKept() {
        // given
        List<byte[]> d = leaves(70);
        MerkleTree full = tree(d);
        MerkleTree sparse = new MerkleTree(3);
        d.forEach(sparse::append);
        MerkleTree.Subtrees below = (start, level) -> referenceMth(d.subList((int) start, (int) (start + (1L << level))));
        for (int n = 0; n <= d.size(); n++) {
            // when / then
            assertThat(full.root(n)).isEqualTo(referenceMth(d.subList(0, n)));
            assertThat(MerkleTree.root(n, sparse.subtrees(below))).isEqualTo(referenceMth(d.subList(0, n)));
        }
    }

    @Test
    void theFrontierHasTheRootOfEverythingAppended() {
        // given
        List<byte[]> d = leaves(MAX);
        MerkleTree.Frontier f = new MerkleTree.Frontier();
        assertThat(f.root()).isEqualTo(referenceMth(List.of()));
        for (int n = 1; n <= MAX; n++) {
            // when
            f.append(d.get(n - 1));
            // then
            assertThat(f.root()).isEqualTo(referenceMth(d.subList(0, n)));
        }
    }

    @Test
    void aTreeContinuedFromAPrunedPrefixsFrontierGivesTheSameRootsAndProofsAfterThePrefix() {
        // given 96 leaves, the first 40 pruned (a multiple of the kept block of 2^3; a frontier of two subtrees)
        List<byte[]> d = leaves(96);
        MerkleTree full = tree(d);
        MerkleTree.Subtrees below = full.subtrees(null);
        List<byte[]> frontier = MerkleTree.frontier(40, below);
        MerkleTree pruned = MerkleTree.afterPrefix(3, 40, frontier);
        // when the same leaves are appended after the prefix
        d.subList(40, d.size()).forEach(pruned::append);
        // then every root, every proof of a kept leaf and every consistency proof from the prefix on is the same
        MerkleTree.Subtrees rest = pruned.subtrees(below);
        assertThat(pruned.pruned()).isEqualTo(40);
        for (int n = 40; n <= d.size(); n++) {
            assertThat(MerkleTree.root(n, rest)).as("root of %d", n).isEqualTo(referenceMth(d.subList(0, n)));
            for (int m = 40; m < n; m++) {
                assertThat(MerkleTree.inclusionProof(m, n, rest)).usingElementComparator(Arrays::compare)
                        .containsExactlyElementsOf(full.inclusionProof(m, n));
            }
            for (int m = 40; m <= n; m++) {
                assertThat(MerkleTree.consistencyProof(m, n, rest)).usingElementComparator(Arrays::compare)
                        .containsExactlyElementsOf(full.consistencyProof(m, n));
            }
        }
        assertThat(MerkleTree.Frontier.of(40, frontier).root()).isEqualTo(referenceMth(d.subList(0, 40)));
    }

    @Test
    void aProofThatNeedsALeafOfThePrunedPrefixIsRefusedNotMadeUp() {
        // given
        List<byte[]> d = leaves(64);
        MerkleTree full = tree(d);
        MerkleTree pruned = MerkleTree.afterPrefix(3, 40, MerkleTree.frontier(40, full.subtrees(null)));
        d.subList(40, d.size()).forEach(pruned::append);
        MerkleTree.Subtrees rest = pruned.subtrees(full.subtrees(null));
        // when / then
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MerkleTree.inclusionProof(5, 64, rest))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pruned prefix");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MerkleTree.consistencyProof(20, 64, rest))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("pruned prefix");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> MerkleTree.afterPrefix(3, 41, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void theKnownRootOfTheEmptyTreeIsTheSha256OfNothing() {
        assertThat(HEX.formatHex(MerkleTree.emptyRoot()))
                .isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void everyLeafsInclusionProofVerifiesInEveryTreeSizeUpTo33() {
        // given
        List<byte[]> d = leaves(MAX);
        MerkleTree t = tree(d);
        for (int n = 1; n <= MAX; n++) {
            byte[] root = t.root(n);
            for (int m = 0; m < n; m++) {
                // when
                List<byte[]> path = t.inclusionProof(m, n);
                // then
                assertThat(MerkleTree.verifyInclusion(m, n, MerkleTree.leafHash(d.get(m)), path, root))
                        .as("leaf %d in %d", m, n).isTrue();
            }
        }
    }

    @Test
    void aProofFromUpperLevelsAndSubtreesAskedBelowEqualsTheProofFromAllLeaves() {
        // given
        List<byte[]> d = leaves(MAX);
        MerkleTree full = tree(d);
        MerkleTree sparse = new MerkleTree(2);
        d.forEach(sparse::append);
        MerkleTree.Subtrees below = full.subtrees(null);
        for (int n = 1; n <= MAX; n++) {
            for (int m = 0; m < n; m++) {
                // when / then
                assertThat(MerkleTree.inclusionProof(m, n, sparse.subtrees(below)))
                        .usingElementComparator(Arrays::compare).containsExactlyElementsOf(full.inclusionProof(m, n));
            }
        }
    }

    @Test
    void everyConsistencyProofBetweenSizesUpTo33Verifies() {
        // given
        MerkleTree t = tree(leaves(MAX));
        for (int n = 1; n <= MAX; n++) {
            for (int m = 1; m <= n; m++) {
                // when
                List<byte[]> proof = t.consistencyProof(m, n);
                // then
                assertThat(MerkleTree.verifyConsistency(m, n, t.root(m), t.root(n), proof))
                        .as("%d to %d", m, n).isTrue();
            }
        }
    }

    @Test
    void theInclusionProofOfRfcShapeForLeaf3Of7IsItsSiblingsFromTheBottomUp() {
        // given the RFC 9162 example tree of 7 leaves (section 2.1.5): the path of d is [c, g, h]
        List<byte[]> d = leaves(7);
        MerkleTree t = tree(d);
        byte[] c = MerkleTree.leafHash(d.get(2));
        byte[] g = MerkleTree.nodeHash(MerkleTree.leafHash(d.get(0)), MerkleTree.leafHash(d.get(1)));
        byte[] h = referenceMth(d.subList(4, 7));
        // when
        List<byte[]> path = t.inclusionProof(3, 7);
        // then
        assertThat(path).usingElementComparator(Arrays::compare).containsExactly(c, g, h);
    }

    @Test
    void theConsistencyProofOfRfcShapeFrom3To7IsCDGAndL() {
        // given the RFC 9162 example (section 2.1.5): PROOF(3, D[7]) = [c, d, g, l]
        List<byte[]> d = leaves(7);
        MerkleTree t = tree(d);
        byte[] c = MerkleTree.leafHash(d.get(2));
        byte[] dd = MerkleTree.leafHash(d.get(3));
        byte[] g = MerkleTree.nodeHash(MerkleTree.leafHash(d.get(0)), MerkleTree.leafHash(d.get(1)));
        byte[] l = referenceMth(d.subList(4, 7));
        // when / then
        assertThat(t.consistencyProof(3, 7)).usingElementComparator(Arrays::compare).containsExactly(c, dd, g, l);
    }

    @Test
    void anInclusionProofWithAFlippedByteAnywhereIsRefused() {
        // given
        List<byte[]> d = leaves(MAX);
        MerkleTree t = tree(d);
        for (int n = 2; n <= MAX; n++) {
            byte[] root = t.root(n);
            for (int m = 0; m < n; m++) {
                List<byte[]> path = t.inclusionProof(m, n);
                for (int i = 0; i < path.size(); i++) {
                    // when
                    List<byte[]> forged = copy(path);
                    forged.get(i)[i % 32] ^= 0x01;
                    // then
                    assertThat(MerkleTree.verifyInclusion(m, n, MerkleTree.leafHash(d.get(m)), forged, root)).isFalse();
                }
                byte[] flippedRoot = root.clone();
                flippedRoot[31] ^= (byte) 0x80;
                byte[] flippedLeaf = MerkleTree.leafHash(d.get(m));
                flippedLeaf[0] ^= 0x01;
                assertThat(MerkleTree.verifyInclusion(m, n, MerkleTree.leafHash(d.get(m)), path, flippedRoot)).isFalse();
                assertThat(MerkleTree.verifyInclusion(m, n, flippedLeaf, path, root)).isFalse();
            }
        }
    }

    @Test
    void anInclusionProofForAnotherIndexSizeOrLeafIsRefused() {
        // given
        List<byte[]> d = leaves(MAX);
        MerkleTree t = tree(d);
        for (int n = 2; n <= MAX; n++) {
            byte[] root = t.root(n);
            for (int m = 0; m < n; m++) {
                List<byte[]> path = t.inclusionProof(m, n);
                byte[] leaf = MerkleTree.leafHash(d.get(m));
                for (int other = 0; other < n; other++) {
                    if (other != m) {
                        // when / then: the proof at another index, or another leaf with this one's proof
                        assertThat(MerkleTree.verifyInclusion(other, n, leaf, path, root))
                                .as("leaf %d claimed at %d in %d", m, other, n).isFalse();
                        assertThat(MerkleTree.verifyInclusion(m, n, MerkleTree.leafHash(d.get(other)), path, root))
                                .isFalse();
                    }
                }
                // a size is only ever claimed with its own root (a checkpoint signs both together)
                for (int size = m + 1; size <= MAX; size++) {
                    if (size != n) {
                        assertThat(MerkleTree.verifyInclusion(m, size, leaf, path, t.root(size)))
                                .as("leaf %d of %d claimed in %d", m, n, size).isFalse();
                    }
                }
                // the leaf's data rather than its leaf hash: no second-preimage confusion between leaf and node
                assertThat(MerkleTree.verifyInclusion(m, n, d.get(m), path, root)).isFalse();
            }
        }
    }

    @Test
    void anInclusionProofTruncatedOrExtendedIsRefused() {
        // given
        List<byte[]> d = leaves(MAX);
        MerkleTree t = tree(d);
        for (int n = 1; n <= MAX; n++) {
            byte[] root = t.root(n);
            for (int m = 0; m < n; m++) {
                List<byte[]> path = t.inclusionProof(m, n);
                byte[] leaf = MerkleTree.leafHash(d.get(m));
                // when
                List<byte[]> longer = copy(path);
                longer.add(root);
                // then
                assertThat(MerkleTree.verifyInclusion(m, n, leaf, longer, root)).isFalse();
                if (!path.isEmpty()) {
                    assertThat(MerkleTree.verifyInclusion(m, n, leaf, path.subList(0, path.size() - 1), root)).isFalse();
                    assertThat(MerkleTree.verifyInclusion(m, n, leaf, path.subList(1, path.size()), root)).isFalse();
                }
            }
        }
    }

    @Test
    void aConsistencyProofWithAFlippedByteAWrongSizeOrAWrongLengthIsRefused() {
        // given
        MerkleTree t = tree(leaves(MAX));
        for (int n = 2; n <= MAX; n++) {
            for (int m = 1; m < n; m++) {
                List<byte[]> proof = t.consistencyProof(m, n);
                byte[] rootM = t.root(m);
                byte[] rootN = t.root(n);
                for (int i = 0; i < proof.size(); i++) {
                    // when
                    List<byte[]> forged = copy(proof);
                    forged.get(i)[7] ^= 0x40;
                    // then
                    assertThat(MerkleTree.verifyConsistency(m, n, rootM, rootN, forged)).as("%d to %d", m, n).isFalse();
                }
                List<byte[]> longer = copy(proof);
                longer.add(rootN);
                assertThat(MerkleTree.verifyConsistency(m, n, rootM, rootN, longer)).isFalse();
                assertThat(MerkleTree.verifyConsistency(m, n, rootM, rootN, proof.subList(0, proof.size() - 1))).isFalse();
                assertThat(MerkleTree.verifyConsistency(m, n, rootN, rootM, proof)).isFalse();
                // a size is only ever claimed with its own root (a checkpoint signs both together)
                for (int other = 1; other <= MAX; other++) {
                    if (other != m && other < n) {
                        assertThat(MerkleTree.verifyConsistency(other, n, t.root(other), rootN, proof))
                                .as("%d to %d claimed from %d", m, n, other).isFalse();
                    }
                    if (other != n && other > m) {
                        assertThat(MerkleTree.verifyConsistency(m, other, rootM, t.root(other), proof))
                                .as("%d to %d claimed to %d", m, n, other).isFalse();
                    }
                }
            }
        }
    }

    @Test
    void aConsistencyProofBetweenTreesThatDivergeIsRefused() {
        // given two logs equal for 10 leaves, then one rewrites leaf 5
        List<byte[]> honest = leaves(20);
        List<byte[]> rewritten = new ArrayList<>(honest);
        rewritten.set(5, sha256("rewritten".getBytes(StandardCharsets.UTF_8)));
        MerkleTree a = tree(honest);
        MerkleTree b = tree(rewritten);
        // when
        List<byte[]> proof = b.consistencyProof(10, 20);
        // then
        assertThat(MerkleTree.verifyConsistency(10, 20, a.root(10), b.root(20), proof)).isFalse();
        assertThat(MerkleTree.verifyConsistency(10, 20, b.root(10), b.root(20), proof)).isTrue();
    }

    @Test
    void sizesOutsideTheTreeAndEqualSizesAreHandledAsTheRfcStates() {
        // given
        MerkleTree t = tree(leaves(5));
        byte[] root = t.root(5);
        // then
        assertThat(MerkleTree.verifyInclusion(5, 5, root, List.of(), root)).isFalse();
        assertThat(MerkleTree.verifyInclusion(-1, 5, root, List.of(), root)).isFalse();
        assertThat(MerkleTree.verifyConsistency(5, 5, root, root, List.of())).isTrue();
        assertThat(MerkleTree.verifyConsistency(5, 5, root, root, List.of(root))).isFalse();
        assertThat(MerkleTree.verifyConsistency(0, 5, root, root, List.of(root))).isFalse();
        assertThat(MerkleTree.verifyConsistency(6, 5, root, root, List.of(root))).isFalse();
        assertThat(MerkleTree.verifyConsistency(4, 5, t.root(4), root, List.of())).isFalse();
    }

    private static List<byte[]> copy(List<byte[]> path) {
        List<byte[]> out = new ArrayList<>();
        path.forEach(p -> out.add(p.clone()));
        return out;
    }

    private static byte[] concat(byte[]... parts) {
        int size = 0;
        for (byte[] p : parts) {
            size += p.length;
        }
        byte[] out = new byte[size];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
