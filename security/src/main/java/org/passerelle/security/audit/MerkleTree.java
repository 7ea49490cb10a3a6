package org.passerelle.security.audit;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.NoSuchProviderException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The audit log's Merkle tree, shaped exactly as RFC 9162 (Certificate Transparency v2) section 2.1: its roots,
 * inclusion and consistency proofs, and their verification.
 *
 * <p>The leaves are the audit entries in seq order (entry {@code seq} is leaf index {@code seq - 1}), and the data of a
 * leaf is the entry's stored chain hash: its 32 raw bytes (not the hex text), so
 * {@code leaf = SHA-256(0x00 || chainHash)} and {@code node = SHA-256(0x01 || left || right)}. The chain hash already
 * covers every field of the entry and its predecessor's hash, so the leaf commits to the whole entry, and an auditor
 * holding one entry can recompute its leaf without any other entry.
 *
 * <p>An instance keeps, in memory, the hashes of the complete aligned subtrees of the leaves appended so far, from
 * {@code keptFrom} upward ({@code 2^keptFrom} leaves each): level 0 keeps every leaf hash (32 bytes each), a higher
 * level keeps {@code 2^keptFrom} times less and asks a {@link Subtrees} for the few lower hashes a proof needs
 * (the gateway reads them back from the database). Roots and proofs then cost O(log^2 n) hash look-ups instead of
 * rehashing n leaves. The static methods compute roots and proofs from any {@link Subtrees}.
 */
public final class MerkleTree {

    /** The size of every hash in the tree. */
    public static final int HASH_LENGTH = 32;

    private static final byte LEAF_PREFIX = 0x00;
    private static final byte NODE_PREFIX = 0x01;
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(MerkleTree::newDigest);

    /**
     * The Merkle tree hash of the complete aligned subtree of {@code 2^level} leaves starting at leaf index
     * {@code start} (a multiple of {@code 2^level}); for level 0, the leaf hash itself.
     */
    @FunctionalInterface
    public interface Subtrees {
        byte[] subtree(long start, int level);
    }

    private final int keptFrom;
    /** levels.get(h - keptFrom) holds the hashes of the complete subtrees of 2^h leaves, left to right. */
    private final List<HashArray> levels = new ArrayList<>();
    /** The leaf hashes of the last, incomplete block of 2^keptFrom leaves (empty when keptFrom is 0). */
    private final HashArray block = new HashArray();
    private long size;
    /** The leaves before this many were pruned: only the prefix's frontier subtrees are known. */
    private long pruned;

    /** A tree that keeps every leaf hash in memory (32 bytes a leaf). */
    public MerkleTree() {
        this(0);
    }

    /**
     * A tree that keeps only the subtrees of {@code 2^keptFrom} leaves and up (and the leaves of the last incomplete
     * block); the subtrees below are asked of the {@link Subtrees} given to {@link #subtrees(Subtrees)}.
     */
    public MerkleTree(int keptFrom) {
        if (keptFrom < 0 || keptFrom > 30) {
            throw new IllegalArgumentException("keptFrom must be between 0 and 30");
        }
        this.keptFrom = keptFrom;
    }

    /**
     * A tree whose first {@code prunedSize} leaves are gone, continued from their frontier: the hashes of the complete
     * subtrees of the prefix's binary decomposition, largest (leftmost) first, as {@link #frontier} gives them. Every
     * root, and every proof of a leaf at or after the prefix, is the same as in the tree that held the prefix; a proof
     * that needs a subtree inside the prefix other than a frontier subtree is refused. {@code prunedSize} must be a
     * multiple of {@code 2^keptFrom}, so that no frontier subtree lies below the kept level.
     */
    public static MerkleTree afterPrefix(int keptFrom, long prunedSize, List<byte[]> frontier) {
        MerkleTree tree = new MerkleTree(keptFrom);
        if (prunedSize < 0 || prunedSize % (1L << keptFrom) != 0) {
            throw new IllegalArgumentException("a pruned prefix is a multiple of 2^" + keptFrom + " leaves, not "
                    + prunedSize);
        }
        if (frontier.size() != Long.bitCount(prunedSize)) {
            throw new IllegalArgumentException("the frontier of " + prunedSize + " leaves has "
                    + Long.bitCount(prunedSize) + " subtrees, not " + frontier.size());
        }
        int next = 0;
        for (int h = 63 - Long.numberOfLeadingZeros(Math.max(prunedSize, 1)); h >= keptFrom; h--) {
            HashArray level = new HashArray();
            long count = prunedSize >>> h;
            if ((prunedSize >>> h & 1) == 1) {
                level.skip(count - 1);
                level.add(requireHash(frontier.get(next++)));
            } else {
                level.skip(count);
            }
            tree.levels.add(0, level);
        }
        tree.size = prunedSize;
        tree.pruned = prunedSize;
        return tree;
    }

    /** How many leaves were appended (the pruned prefix's included). */
    public long size() {
        return size;
    }

    /** How many leaves at the start are pruned (0 for a whole tree). */
    public long pruned() {
        return pruned;
    }

    /** Appends the next leaf, given its data (an entry's 32-byte chain hash). */
    public void append(byte[] leafData) {
        appendLeafHash(leafHash(leafData));
    }

    /** Appends the next leaf, given its leaf hash. */
    public void appendLeafHash(byte[] leafHash) {
        requireHash(leafHash);
        size++;
        byte[] carry = leafHash;
        if (keptFrom > 0) {
            block.add(leafHash);
            if (block.size() < (1 << keptFrom)) {
                return;
            }
            carry = rootOfPowerOfTwo(block, 0, (int) block.size());
            block.clear();
        }
        // A complete subtree at level h that is a right child completes its parent at level h + 1: carry it upward.
        for (int i = 0; ; i++) {
            if (levels.size() == i) {
                levels.add(new HashArray());
            }
            HashArray level = levels.get(i);
            level.add(carry);
            if (level.size() % 2 != 0) {
                return;
            }
            carry = nodeHash(level.get(level.size() - 2), carry);
        }
    }

    /**
     * The subtrees this tree holds; those below its kept level, outside the last incomplete block, are asked of
     * {@code below} (ignored, and may be null, when the tree keeps every leaf).
     */
    public Subtrees subtrees(Subtrees below) {
        return (start, level) -> {
            long width = 1L << level;
            if (start < 0 || level < 0 || start % width != 0 || start + width > size) {
                throw new IllegalArgumentException("no complete subtree of 2^" + level + " leaves at " + start
                        + " in a tree of " + size);
            }
            if (start + width <= pruned && !frontierOf(pruned, start, level)) {
                throw new IllegalStateException("the subtree of 2^" + level + " leaves at " + start
                        + " lies in the pruned prefix of " + pruned + " leaves");
            }
            if (level >= keptFrom) {
                return levels.get(level - keptFrom).get(start >>> level);
            }
            long blockStart = size - block.size();
            if (start >= blockStart) {
                return rootOfPowerOfTwo(block, (int) (start - blockStart), (int) width);
            }
            if (below == null) {
                throw new IllegalStateException("the subtree of 2^" + level + " leaves at " + start
                        + " is below the kept level " + keptFrom);
            }
            return below.subtree(start, level);
        };
    }

    /** Whether the subtree of {@code 2^level} leaves at {@code start} is one of the frontier subtrees of {@code n}. */
    private static boolean frontierOf(long n, long start, int level) {
        return (n >>> level & 1) == 1 && start == (n >>> level + 1) << level + 1;
    }

    /**
     * The frontier of the first {@code n} leaves: the hashes of the complete subtrees of its binary decomposition,
     * largest (leftmost) first. Enough to continue the tree ({@link #afterPrefix}) and to compute its root.
     */
    public static List<byte[]> frontier(long n, Subtrees subtrees) {
        List<byte[]> out = new ArrayList<>(Long.bitCount(n));
        for (int h = 62; h >= 0; h--) {
            if ((n >>> h & 1) == 1) {
                out.add(subtrees.subtree((n >>> h + 1) << h + 1, h));
            }
        }
        return out;
    }

    /** The root of the first {@code n} leaves (a tree keeping every leaf). */
    public byte[] root(long n) {
        return root(n, subtrees(null));
    }

    /** The inclusion proof of leaf {@code index} in the tree of the first {@code n} leaves (a tree keeping every leaf). */
    public List<byte[]> inclusionProof(long index, long n) {
        return inclusionProof(index, n, subtrees(null));
    }

    /** The consistency proof from the first {@code m} leaves to the first {@code n} (a tree keeping every leaf). */
    public List<byte[]> consistencyProof(long m, long n) {
        return consistencyProof(m, n, subtrees(null));
    }

    /** {@code SHA-256(0x00 || data)}: a leaf's hash. */
    public static byte[] leafHash(byte[] data) {
        MessageDigest d = digest();
        d.update(LEAF_PREFIX);
        return d.digest(data);
    }

    /** {@code SHA-256(0x01 || left || right)}: an inner node's hash. */
    public static byte[] nodeHash(byte[] left, byte[] right) {
        MessageDigest d = digest();
        d.update(NODE_PREFIX);
        d.update(left);
        return d.digest(right);
    }

    /** The root of an empty tree: {@code SHA-256()} of nothing (RFC 9162's MTH({})). */
    public static byte[] emptyRoot() {
        return digest().digest();
    }

    /** MTH(D[0:n]), from the subtrees given. */
    public static byte[] root(long n, Subtrees subtrees) {
        if (n < 0) {
            throw new IllegalArgumentException("a tree has 0 or more leaves");
        }
        return n == 0 ? emptyRoot() : mth(0, n, subtrees);
    }

    /** PATH(index, D[0:n]) of RFC 9162 section 2.1.3.1: the audit path, from the leaf's sibling up to the root's child. */
    public static List<byte[]> inclusionProof(long index, long n, Subtrees subtrees) {
        if (index < 0 || index >= n) {
            throw new IllegalArgumentException("leaf " + index + " is not in a tree of " + n);
        }
        List<byte[]> path = new ArrayList<>();
        path(index, 0, n, subtrees, path);
        return path;
    }

    /**
     * PROOF(m, D[0:n]) of RFC 9162 section 2.1.4.1, for {@code 1 <= m <= n} (empty for {@code m = n}): the hashes that
     * show the tree of {@code m} leaves is a prefix of the tree of {@code n}.
     */
    public static List<byte[]> consistencyProof(long m, long n, Subtrees subtrees) {
        if (m < 1 || m > n) {
            throw new IllegalArgumentException("a consistency proof runs from 1 <= m <= n, not from " + m + " to " + n);
        }
        List<byte[]> proof = new ArrayList<>();
        subproof(m, 0, n, true, subtrees, proof);
        return proof;
    }

    /**
     * Whether {@code path} proves the leaf with hash {@code leafHash} at {@code index} is in the tree of {@code size}
     * leaves with root {@code root}: RFC 9162 section 2.1.3.2, step by step.
     */
    public static boolean verifyInclusion(long index, long size, byte[] leafHash, List<byte[]> path, byte[] root) {
        if (index < 0 || index >= size || !isHash(leafHash) || !isHash(root) || path == null) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (sn == 0 || !isHash(p)) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(p, r);
                if ((fn & 1) == 0) {
                    // The node is a left child with no right sibling at this level: it rises unchanged.
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                r = nodeHash(r, p);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    /**
     * Whether {@code proof} shows the tree of {@code m} leaves with root {@code rootM} is a prefix of the tree of
     * {@code n} leaves with root {@code rootN}: RFC 9162 section 2.1.4.2, step by step. Equal sizes need an empty proof
     * and equal roots (the RFC defines proofs for {@code m < n} only).
     */
    public static boolean verifyConsistency(long m, long n, byte[] rootM, byte[] rootN, List<byte[]> proof) {
        if (m < 1 || m > n || !isHash(rootM) || !isHash(rootN) || proof == null) {
            return false;
        }
        if (m == n) {
            return proof.isEmpty() && MessageDigest.isEqual(rootM, rootN);
        }
        if (proof.isEmpty() || proof.stream().anyMatch(p -> !isHash(p))) {
            return false;
        }
        List<byte[]> path = new ArrayList<>(proof.size() + 1);
        if (Long.bitCount(m) == 1) {
            path.add(rootM);
        }
        path.addAll(proof);
        long fn = m - 1;
        long sn = n - 1;
        while ((fn & 1) == 1) {
            fn >>>= 1;
            sn >>>= 1;
        }
        byte[] fr = path.get(0);
        byte[] sr = path.get(0);
        for (byte[] c : path.subList(1, path.size())) {
            if (sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                fr = nodeHash(c, fr);
                sr = nodeHash(c, sr);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>>= 1;
                        sn >>>= 1;
                    }
                }
            } else {
                sr = nodeHash(sr, c);
            }
            fn >>>= 1;
            sn >>>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(fr, rootM) && MessageDigest.isEqual(sr, rootN);
    }

    /**
     * The right edge of a growing tree: one hash per complete subtree of its binary decomposition (at most 64), enough
     * for the root of everything appended so far. For verifying a stream of entries in bounded memory.
     */
    public static final class Frontier {
        private final List<byte[]> hashes = new ArrayList<>();
        private final List<Integer> levels = new ArrayList<>();
        private long size;

        /** An empty frontier. */
        public Frontier() {
        }

        /**
         * The frontier of a tree of {@code size} leaves whose subtree hashes are given (largest first, as
         * {@link MerkleTree#frontier} gives them): to go on from a pruned prefix.
         */
        public static Frontier of(long size, List<byte[]> subtrees) {
            if (size < 0 || subtrees.size() != Long.bitCount(size)) {
                throw new IllegalArgumentException("the frontier of " + size + " leaves has " + Long.bitCount(size)
                        + " subtrees, not " + subtrees.size());
            }
            Frontier f = new Frontier();
            int next = 0;
            for (int h = 62; h >= 0; h--) {
                if ((size >>> h & 1) == 1) {
                    f.hashes.add(requireHash(subtrees.get(next++)));
                    f.levels.add(h);
                }
            }
            f.size = size;
            return f;
        }

        /** Appends the next leaf, given its data (an entry's 32-byte chain hash). */
        public void append(byte[] leafData) {
            byte[] carry = leafHash(leafData);
            int level = 0;
            while (!levels.isEmpty() && levels.get(levels.size() - 1) == level) {
                carry = nodeHash(hashes.remove(hashes.size() - 1), carry);
                levels.remove(levels.size() - 1);
                level++;
            }
            hashes.add(carry);
            levels.add(level);
            size++;
        }

        public long size() {
            return size;
        }

        /** MTH of the leaves appended so far: the subtrees folded from the right, as RFC 9162 splits them. */
        public byte[] root() {
            if (hashes.isEmpty()) {
                return emptyRoot();
            }
            byte[] r = hashes.get(hashes.size() - 1);
            for (int i = hashes.size() - 2; i >= 0; i--) {
                r = nodeHash(hashes.get(i), r);
            }
            return r;
        }
    }

    /** The largest power of two smaller than {@code n} (n at least 2): where RFC 9162 splits a tree of n leaves. */
    static long split(long n) {
        return Long.highestOneBit(n - 1);
    }

    /** MTH(D[start:start+n]) for a range the RFC's recursion produces (n > 0; start aligned to the subtrees used). */
    private static byte[] mth(long start, long n, Subtrees subtrees) {
        if (Long.bitCount(n) == 1) {
            return subtrees.subtree(start, Long.numberOfTrailingZeros(n));
        }
        long k = split(n);
        return nodeHash(mth(start, k, subtrees), mth(start + k, n - k, subtrees));
    }

    private static void path(long m, long start, long n, Subtrees subtrees, List<byte[]> out) {
        if (n == 1) {
            return;
        }
        long k = split(n);
        if (m < k) {
            path(m, start, k, subtrees, out);
            out.add(mth(start + k, n - k, subtrees));
        } else {
            path(m - k, start + k, n - k, subtrees, out);
            out.add(mth(start, k, subtrees));
        }
    }

    private static void subproof(long m, long start, long n, boolean whole, Subtrees subtrees, List<byte[]> out) {
        if (m == n) {
            if (!whole) {
                out.add(mth(start, n, subtrees));
            }
            return;
        }
        long k = split(n);
        if (m <= k) {
            subproof(m, start, k, whole, subtrees, out);
            out.add(mth(start + k, n - k, subtrees));
        } else {
            subproof(m - k, start + k, n - k, false, subtrees, out);
            out.add(mth(start, k, subtrees));
        }
    }

    private static byte[] rootOfPowerOfTwo(HashArray hashes, int from, int count) {
        if (count == 1) {
            return hashes.get(from);
        }
        int half = count / 2;
        return nodeHash(rootOfPowerOfTwo(hashes, from, half), rootOfPowerOfTwo(hashes, from + half, half));
    }

    private static boolean isHash(byte[] h) {
        return h != null && h.length == HASH_LENGTH;
    }

    private static byte[] requireHash(byte[] h) {
        if (!isHash(h)) {
            throw new IllegalArgumentException("a hash has " + HASH_LENGTH + " bytes");
        }
        return h;
    }

    private static MessageDigest digest() {
        MessageDigest d = SHA256.get();
        d.reset();
        return d;
    }

    private static MessageDigest newDigest() {
        try {
            // The JDK's SHA-256, as ChainHash: its intrinsics are far faster than Bouncy Castle's pure Java.
            return MessageDigest.getInstance("SHA-256", "SUN");
        } catch (NoSuchAlgorithmException | NoSuchProviderException e) {
            throw new IllegalStateException("the JDK's SHA-256 is missing", e);
        }
    }

    /** A growable array of 32-byte hashes in one byte array: a million leaves cost 32 MB, not 32 MB plus headers. */
    private static final class HashArray {
        private byte[] bytes = new byte[HASH_LENGTH * 16];
        private int count;
        /** How many hashes at the start are not held (a pruned prefix): indexes below it are refused. */
        private long skipped;

        void skip(long n) {
            skipped += n;
        }

        void add(byte[] hash) {
            if ((count + 1) * (long) HASH_LENGTH > bytes.length) {
                long grown = Math.min((long) bytes.length * 2, Integer.MAX_VALUE - 8);
                if (grown < (count + 1) * (long) HASH_LENGTH) {
                    throw new IllegalStateException("too many hashes for one level held in memory");
                }
                bytes = Arrays.copyOf(bytes, (int) grown);
            }
            System.arraycopy(hash, 0, bytes, count * HASH_LENGTH, HASH_LENGTH);
            count++;
        }

        byte[] get(long i) {
            if (i < skipped) {
                throw new IllegalStateException("hash " + i + " lies in the pruned prefix");
            }
            int at = (int) Objects.checkIndex(i - skipped, count);
            return Arrays.copyOfRange(bytes, at * HASH_LENGTH, (at + 1) * HASH_LENGTH);
        }

        long size() {
            return skipped + count;
        }

        void clear() {
            count = 0;
            skipped = 0;
        }
    }
}
