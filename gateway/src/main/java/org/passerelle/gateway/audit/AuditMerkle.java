package org.passerelle.gateway.audit;

import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.passerelle.security.audit.MerkleTree;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * The Merkle tree of the sealed audit chain (leaves: the entries' chain hashes, seq order), kept in memory from subtrees
 * of {@value #KEPT_FROM_LEVEL}-level blocks up, for checkpoint roots and inclusion and consistency proofs in
 * milliseconds.
 *
 * <p>Why this shape: rebuilding the tree from a million leaf hashes read back from the database takes about a second
 * per proof; keeping every leaf hash would hold 32 MB per million entries. Keeping the complete subtrees of
 * {@code 2^8} leaves and up holds 256 bytes per 1,000 entries (about 0.25 MB per million) and leaves a proof to read
 * at most {@code 2^8} leaf hashes, by their seq index, for the path's lowest levels. The tree is built on first use by
 * reading every leaf hash once (at startup, for the first checkpoint), then extended with the entries sealed since.
 * Entries are never changed in place (append-only triggers); should one be changed anyway, its proof read from the
 * database no longer reaches the signed root, which is what an auditor is meant to find.
 */
@Component
public class AuditMerkle {

    /** The lowest level of the tree kept in memory: blocks of 256 leaves. */
    static final int KEPT_FROM_LEVEL = 8;
    private static final HexFormat HEX = HexFormat.of();

    private final JdbcTemplate jdbc;
    private MerkleTree tree = new MerkleTree(KEPT_FROM_LEVEL);
    /** Whether the tree was started: from entry 1, or from the latest pruned prefix's frontier. */
    private boolean started;
    /** The chain hash of the last entry the tree holds (entry {@code tree.size()}), or null while it holds none. */
    private String lastHash;

    AuditMerkle(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** The root (hex) of the tree of entries 1..n; the entries must be sealed. */
    public synchronized String root(long n) {
        return HEX.formatHex(MerkleTree.root(n, subtrees(n)));
    }

    /**
     * Refuses ({@link ChainChanged}) when the entry the tree ends with is no longer in the database as it was read: the
     * chain was cut, wiped or rewritten under the running node, which must then not sign a checkpoint over it.
     */
    synchronized void requireUnchanged() {
        if (lastHash == null) {
            return;
        }
        long seq = tree.size();
        List<String> now = jdbc.queryForList("select hash from audit_event where seq = ?", String.class, seq);
        if (now.isEmpty()) {
            // Pruned under retention since: the prune record keeps the entry's hash.
            now = jdbc.queryForList("select head_hash from audit_pruned where up_to_seq = ?", String.class, seq);
        }
        if (now.size() != 1 || !now.get(0).equals(lastHash)) {
            throw new ChainChanged("the audit chain was changed under this node: entry " + seq + " is "
                    + (now.isEmpty() ? "gone" : now.size() > 1 ? "there twice" : "not the entry it sealed")
                    + "; no checkpoint is signed over it");
        }
    }

    /** The chain no longer holds what the node read into its tree. */
    static final class ChainChanged extends IllegalStateException {
        ChainChanged(String message) {
            super(message);
        }
    }

    /**
     * The frontier (hex, largest subtree first) of the tree of entries 1..n, the sealed entries: what a prune keeps
     * so that the chain's later roots and proofs are computed on without entries 1..n.
     */
    synchronized List<String> frontier(long n) {
        return MerkleTree.frontier(n, subtrees(n)).stream().map(HEX::formatHex).toList();
    }

    /** The audit path (hex) of entry {@code seq} in the tree of entries 1..n. */
    synchronized List<String> inclusionProof(long seq, long n) {
        return MerkleTree.inclusionProof(seq - 1, n, subtrees(n)).stream().map(HEX::formatHex).toList();
    }

    /** The consistency proof (hex) from the tree of entries 1..m to the tree of entries 1..n. */
    public synchronized List<String> consistencyProof(long m, long n) {
        return MerkleTree.consistencyProof(m, n, subtrees(n)).stream().map(HEX::formatHex).toList();
    }

    /** The tree's subtrees once it covers entries 1..n; those below the kept level read back from the database. */
    private MerkleTree.Subtrees subtrees(long n) {
        extendTo(n);
        // One proof asks for a few subtrees in the same block or two: read each block's leaves once per call.
        Map<Long, byte[][]> blocks = new HashMap<>();
        return tree.subtrees((start, level) -> {
            long blockStart = start >>> KEPT_FROM_LEVEL << KEPT_FROM_LEVEL;
            // The tree's last block may be incomplete: read no further than the entries it holds.
            byte[][] leaves = blocks.computeIfAbsent(blockStart,
                    b -> leafHashes(b + 1, Math.min(b + (1L << KEPT_FROM_LEVEL), tree.size())));
            int from = (int) (start - blockStart);
            return subtree(leaves, from, 1 << level);
        });
    }

    private void extendTo(long n) {
        if (!started) {
            startAfterPrune();
        }
        while (tree.size() < n) {
            long from = tree.size() + 1;
            byte[][] page = leafHashes(from, Math.min(n, from + AuditLog.PAGE - 1));
            for (byte[] leaf : page) {
                tree.appendLeafHash(leaf);
            }
            lastHash = jdbc.queryForObject("select hash from audit_event where seq = ?", String.class, tree.size());
        }
    }

    /** Starts the tree from the latest prune's frontier when entries were pruned before it was first built. */
    private void startAfterPrune() {
        started = true;
        jdbc.query("select up_to_seq, head_hash, frontier from audit_pruned order by up_to_seq desc fetch first 1 rows only",
                rs -> {
                    long upTo = rs.getLong(1);
                    List<byte[]> frontier = frontierOf(rs.getString(3));
                    // The frontier must hash to the root the node signed at the prune, or the tree would go on from a
                    // prefix nobody signed: then it is not started, and no checkpoint is signed until someone looks.
                    List<String> signed = jdbc.queryForList("select merkle_root from audit_checkpoint where seq = ?"
                            + " and head_hash = ?", String.class, upTo, rs.getString(2));
                    String root = HEX.formatHex(MerkleTree.Frontier.of(upTo, frontier).root());
                    if (signed.stream().noneMatch(root::equalsIgnoreCase)) {
                        throw new ChainChanged("the frontier kept for the prune up to seq " + upTo
                                + " does not hash to a root the node signed there");
                    }
                    tree = MerkleTree.afterPrefix(KEPT_FROM_LEVEL, upTo, frontier);
                    lastHash = rs.getString(2);
                });
    }

    /** A frontier as {@code audit_pruned} keeps it: hex hashes, comma separated (none for an empty prefix). */
    static List<byte[]> frontierOf(String stored) {
        return stored == null || stored.isEmpty() ? List.of()
                : java.util.Arrays.stream(stored.split(",")).map(HEX::parseHex).toList();
    }

    /** The leaf hashes of entries {@code fromSeq..toSeq}; an entry missing in between is an error, not a skip. */
    private byte[][] leafHashes(long fromSeq, long toSeq) {
        List<String> hashes = jdbc.query("select seq, hash from audit_event where seq >= ? and seq <= ? order by seq",
                (rs, i) -> {
                    if (rs.getLong(1) != fromSeq + i) {
                        throw new IllegalStateException("the audit chain has no entry at seq " + (fromSeq + i));
                    }
                    return rs.getString(2);
                }, fromSeq, toSeq);
        if (hashes.size() != toSeq - fromSeq + 1) {
            throw new IllegalStateException("the audit chain has no entry at seq " + (fromSeq + hashes.size()));
        }
        byte[][] out = new byte[hashes.size()][];
        for (int i = 0; i < out.length; i++) {
            out[i] = MerkleTree.leafHash(HEX.parseHex(hashes.get(i)));
        }
        return out;
    }

    private static byte[] subtree(byte[][] leaves, int from, int count) {
        if (count == 1) {
            return leaves[from];
        }
        int half = count / 2;
        return MerkleTree.nodeHash(subtree(leaves, from, half), subtree(leaves, from + half, half));
    }
}
